package validate

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/url"
	"strings"

	"github.com/ftprep/ftprep/pkg/jsonl"
)

// image checks an image_url content part and returns its estimated tokens:
// low detail 85; high/auto 85 + 170 per 512-px tile of the image scaled to fit
// 2048×2048 and then to a shortest side of 768 (dimensions read from a data
// URI's header; a URL's size is unknown and counts as 85).
func (lc *lineCheck) image(part *jsonl.Value, p string) int {
	lc.images++
	c := lc.cfg
	if lc.images == 1 && c.modelKnown && !c.model.Vision {
		lc.report("vision-model-unsupported", part.Offset+1, p, fmt.Sprintf("%s cannot be fine-tuned on images", c.model.Name))
	}
	iv := part.Get("image_url")
	if iv == nil || iv.Kind != jsonl.Object {
		lc.report("content-invalid", part.Offset+1, p, "an image_url part needs \"image_url\": {\"url\": ...}")
		return lowDetailTokens
	}
	low := false
	if dv := iv.Get("detail"); dv != nil {
		switch {
		case dv.Kind == jsonl.String && oneOf(dv.Str, "low", "high", "auto"):
			low = dv.Str == "low"
		default:
			lc.report("image-detail-invalid", dv.Offset+1, p+"/image_url/detail", fmt.Sprintf("detail must be low, high or auto, not %s", literal(dv)))
		}
	}
	uv := iv.Get("url")
	if uv == nil || uv.Kind != jsonl.String {
		lc.report("content-invalid", iv.Offset+1, p+"/image_url", "image_url needs a string \"url\"")
		return lowDetailTokens
	}
	up := p + "/image_url/url"
	col := uv.Offset + 1
	u := uv.Str
	switch {
	case hasPrefixFold(u, "https://"), hasPrefixFold(u, "http://"):
		if pu, err := url.Parse(u); err != nil || pu.Host == "" {
			lc.report("image-url-invalid", col, up, "the image URL is not a valid http(s) URL")
		}
		if !low {
			lc.unknownImgs++
		}
		return lowDetailTokens
	case hasPrefixFold(u, "data:"):
		comma := strings.IndexByte(u, ',')
		if comma < 0 {
			lc.report("image-url-invalid", col, up, "the data URI has no comma before its payload")
			return lowDetailTokens
		}
		head := strings.ToLower(u[len("data:"):comma])
		if !strings.HasPrefix(head, "image/") || !strings.HasSuffix(head, ";base64") {
			lc.report("image-url-invalid", col, up, fmt.Sprintf("the data URI must be data:image/<type>;base64,..., not data:%s,...", clip(u[len("data:"):comma], 40)))
			return lowDetailTokens
		}
		info, err := sniffBase64Image(u[comma+1:])
		switch {
		case err != nil:
			lc.report("image-base64-invalid", col, up, fmt.Sprintf("the image's base64 payload does not decode: %v", err))
			return lowDetailTokens
		case info.size > MaxImageBytes:
			lc.report("image-too-large", col, up, fmt.Sprintf("the image is %d bytes decoded, over the 10 MiB (%d bytes) limit", info.size, MaxImageBytes))
		}
		if !oneOf(info.format, "jpeg", "png", "webp") {
			what := "bytes of no known image format"
			if info.format != "" {
				what = strings.ToUpper(info.format) + " data"
			}
			lc.report("image-format-unsupported", col, up, fmt.Sprintf("the image is %s; only JPEG, PNG and WEBP are accepted", what))
		}
		if low {
			return lowDetailTokens
		}
		if info.w <= 0 || info.h <= 0 {
			lc.unknownImgs++
			return lowDetailTokens
		}
		return imageTokens(info.w, info.h)
	default:
		lc.report("image-url-invalid", col, up, fmt.Sprintf("the image URL %q is neither http(s) nor a data:image/...;base64, URI", clip(u, 40)))
		return lowDetailTokens
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// imageTokens is the high-detail estimate for a w×h image.
func imageTokens(w, h int) int {
	fw, fh := float64(w), float64(h)
	if m := math.Max(fw, fh); m > 2048 {
		fw, fh = fw*2048/m, fh*2048/m
	}
	if m := math.Min(fw, fh); m > 768 {
		fw, fh = fw*768/m, fh*768/m
	}
	tw := int(math.Ceil(math.Floor(fw) / 512))
	th := int(math.Ceil(math.Floor(fh) / 512))
	return lowDetailTokens + 170*max(1, tw)*max(1, th)
}

// imageInfo is what the header of an image says.
type imageInfo struct {
	format string // jpeg, png, webp, gif or ""
	w, h   int    // 0 when unknown
	size   int64  // decoded bytes
}

// sniffBase64Image decodes a base64 payload as a stream: it reads the image
// header for the format and dimensions, then checks the rest decodes, counting
// bytes, without holding the decoded image.
func sniffBase64Image(payload string) (imageInfo, error) {
	cr := &countReader{r: base64.NewDecoder(base64.StdEncoding, strings.NewReader(payload))}
	br := bufio.NewReaderSize(cr, 4096)
	info := sniffHeader(br)
	if _, err := io.Copy(io.Discard, br); err != nil {
		return info, err
	}
	info.size = cr.n
	return info, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// sniffHeader reads the format and dimensions from the start of an image.
// It never fails: unknown data gives an empty format.
func sniffHeader(br *bufio.Reader) imageInfo {
	head, _ := br.Peek(32)
	switch {
	case len(head) >= 24 && string(head[:8]) == "\x89PNG\r\n\x1a\n":
		info := imageInfo{format: "png"}
		if string(head[12:16]) == "IHDR" {
			info.w, info.h = int(binary.BigEndian.Uint32(head[16:20])), int(binary.BigEndian.Uint32(head[20:24]))
		}
		return info
	case len(head) >= 10 && (string(head[:6]) == "GIF87a" || string(head[:6]) == "GIF89a"):
		return imageInfo{format: "gif", w: int(binary.LittleEndian.Uint16(head[6:8])), h: int(binary.LittleEndian.Uint16(head[8:10]))}
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		info := imageInfo{format: "webp"}
		info.w, info.h = webpSize(head)
		return info
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		info := imageInfo{format: "jpeg"}
		info.w, info.h = jpegSize(br)
		return info
	}
	return imageInfo{}
}

// webpSize reads the canvas size from the first chunk (VP8, VP8L or VP8X).
func webpSize(h []byte) (int, int) {
	if len(h) < 30 {
		return 0, 0
	}
	switch string(h[12:16]) {
	case "VP8 ":
		// frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
		if h[23] == 0x9d && h[24] == 0x01 && h[25] == 0x2a {
			return int(binary.LittleEndian.Uint16(h[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(h[28:30]) & 0x3fff)
		}
	case "VP8L":
		if h[20] == 0x2f {
			b := binary.LittleEndian.Uint32(h[21:25])
			return int(b&0x3fff) + 1, int((b>>14)&0x3fff) + 1
		}
	case "VP8X":
		w := int(h[24]) | int(h[25])<<8 | int(h[26])<<16
		ht := int(h[27]) | int(h[28])<<8 | int(h[29])<<16
		return w + 1, ht + 1
	}
	return 0, 0
}

// jpegSize walks the JPEG markers up to the first start-of-frame.
func jpegSize(br *bufio.Reader) (int, int) {
	if _, err := br.Discard(2); err != nil { // SOI
		return 0, 0
	}
	for range 1000 {
		b, err := br.ReadByte()
		if err != nil {
			return 0, 0
		}
		if b != 0xFF {
			continue
		}
		m, err := br.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = br.ReadByte()
		}
		if err != nil {
			return 0, 0
		}
		switch {
		case m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7): // no length
			continue
		case m == 0xD9 || m == 0xDA: // end of image, start of scan before any frame
			return 0, 0
		}
		lb, err := br.Peek(2)
		if err != nil {
			return 0, 0
		}
		n := int(binary.BigEndian.Uint16(lb))
		if n < 2 {
			return 0, 0
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			f, err := br.Peek(7)
			if err != nil {
				return 0, 0
			}
			return int(binary.BigEndian.Uint16(f[5:7])), int(binary.BigEndian.Uint16(f[3:5]))
		}
		if _, err := br.Discard(n); err != nil {
			return 0, 0
		}
	}
	return 0, 0
}
