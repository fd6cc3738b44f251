package tokens

import "unicode/utf8"

// Character classes of the split patterns. The reference (npm tiktoken, Rust
// regex-syntax 0.8.5) uses Unicode 16 tables; classes_gen.go is generated from
// Node's tables corrected against the reference by tools/tokens/gen-classes.mjs.
const (
	clsOther       = iota // not a letter, mark, number or white space: [^\s\p{L}\p{N}] minus marks
	clsUpper              // \p{Lu} \p{Lt}
	clsLower              // \p{Ll}
	clsOtherLetter        // \p{Lm} \p{Lo}
	clsMark               // \p{M}
	clsNumber             // \p{N}
	clsSpace              // \s (White_Space) except \r and \n
	clsNewline            // \r or \n
)

// Class sets as bit masks (1 << class).
const (
	setLetter = 1<<clsUpper | 1<<clsLower | 1<<clsOtherLetter              // \p{L}
	setU      = 1<<clsUpper | 1<<clsOtherLetter | 1<<clsMark               // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
	setL      = 1<<clsLower | 1<<clsOtherLetter | 1<<clsMark               // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
	setP      = 1<<clsOther | 1<<clsMark | 1<<clsSpace                     // [^\r\n\p{L}\p{N}]
	setQ      = 1<<clsOther | 1<<clsMark                                   // [^\s\p{L}\p{N}]
	setWS     = 1<<clsSpace | 1<<clsNewline                                // \s
	setUL     = 1<<clsUpper | 1<<clsLower | 1<<clsOtherLetter | 1<<clsMark // setU | setL
)

var (
	asciiClass [128]uint8
	// Two-level table for code points >= 0x80: classBlock[cp>>8] selects a
	// 256-entry block in classData.
	classBlock [0x110000 >> 8]uint16
	classData  []uint8
)

func init() {
	flat := make([]uint8, 0x110000)
	for _, r := range classRanges {
		for c := r[0]; c <= r[1]; c++ {
			flat[c] = uint8(r[2])
		}
	}
	flat['\r'], flat['\n'] = clsNewline, clsNewline
	copy(asciiClass[:], flat[:128])
	seen := map[string]uint16{}
	for b := range classBlock {
		blk := flat[b<<8 : (b+1)<<8]
		idx, ok := seen[string(blk)]
		if !ok {
			idx = uint16(len(classData) >> 8)
			classData = append(classData, blk...)
			seen[string(blk)] = idx
		}
		classBlock[b] = idx
	}
}

// classOf returns the class and width of the character at s[i]; invalid UTF-8
// bytes are one-byte clsOther characters (as U+FFFD would be).
func classOf(s string, i int) (uint8, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		return clsOther, 1
	}
	return classData[int(classBlock[r>>8])<<8|int(r&0xff)], n
}

// classRune returns the class of r (used by tests).
func classRune(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	if r > utf8.MaxRune {
		return clsOther
	}
	return classData[int(classBlock[r>>8])<<8|int(r&0xff)]
}
