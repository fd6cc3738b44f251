package tokens

import "unicode/utf8"

// This file is the pre-tokenizer: hand-written scanners that return the same
// pieces as the encodings' split patterns under backtracking (leftmost-first)
// semantics, as the reference's fancy-regex does:
//
// o200k_base:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// cl100k_base:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+

// in reports whether class c is in set.
func in(set uint16, c uint8) bool { return set&(1<<c) != 0 }

// contraction returns the length of (?i:'s|'t|'re|'ve|'m|'ll|'d) at s[i:], or 0.
// Case-insensitive matching follows Unicode simple case folding, so 's' also
// matches U+017F LATIN SMALL LETTER LONG S (ſ).
func contraction(s string, i int) int {
	if i+1 >= len(s) || s[i] != '\'' {
		return 0
	}
	switch s[i+1] | 0x20 {
	case 's', 't', 'm', 'd':
		return 2
	case 'r', 'v':
		if i+2 < len(s) && s[i+2]|0x20 == 'e' {
			return 3
		}
	case 'l':
		if i+2 < len(s) && s[i+2]|0x20 == 'l' {
			return 3
		}
	}
	if s[i+1] == 0xc5 && i+2 < len(s) && s[i+2] == 0xbf { // ſ (U+017F)
		return 3
	}
	return 0
}

// wsEnd scans the white-space run from i and returns its end and the end of
// the last \r or \n in it (-1 when there is none).
func wsEnd(s string, i int) (end, lastNL int) {
	lastNL = -1
	for i < len(s) {
		c, n := classOf(s, i)
		if c == clsNewline {
			lastNL = i + 1
		} else if c != clsSpace {
			break
		}
		i += n
	}
	return i, lastNL
}

// whitespace matches \s*[\r\n]+|\s+(?!\S)|\s+ at i (s[i] is white space).
func whitespace(s string, i int) int {
	end, lastNL := wsEnd(s, i)
	if lastNL > 0 {
		return lastNL
	}
	if end == len(s) {
		return end
	}
	// \s+(?!\S): give back the last white-space character if the run has two or more.
	_, n := utf8.DecodeLastRuneInString(s[i:end])
	if end-n > i {
		return end - n
	}
	return end
}

// punct matches ` ?[^\s\p{L}\p{N}]+[\r\n]*` (also '/' in the tail when slash) at
// i, or returns -1.
func punct(s string, i int, slash bool) int {
	j := i
	if s[i] == ' ' && i+1 < len(s) {
		if c, _ := classOf(s, i+1); in(setQ, c) {
			j = i + 1
		}
	}
	c, n := classOf(s, j)
	if !in(setQ, c) {
		return -1
	}
	j += n
	for j < len(s) {
		c, n = classOf(s, j)
		if !in(setQ, c) {
			break
		}
		j += n
	}
	for j < len(s) && (s[j] == '\r' || s[j] == '\n' || (slash && s[j] == '/')) {
		j++
	}
	return j
}

// numbers matches \p{N}{1,3} at i (s[i] is a number).
func numbers(s string, i int) int {
	for k := 0; k < 3 && i < len(s); k++ {
		c, n := classOf(s, i)
		if c != clsNumber {
			break
		}
		i += n
	}
	return i
}

// o200kLower matches [U]*[L]+ at j, returning the end or -1.
func o200kLower(s string, j int) int {
	lastL, lastLEnd := -1, -1
	k := j
	for k < len(s) {
		c, n := classOf(s, k)
		if !in(setU, c) {
			if c == clsLower { // in L but not U: L+ continues from here
				k += n
				for k < len(s) {
					c, n = classOf(s, k)
					if !in(setL, c) {
						break
					}
					k += n
				}
				return k
			}
			break
		}
		if in(setL, c) {
			lastL, lastLEnd = k, k+n
		}
		k += n
	}
	if lastL < 0 {
		return -1
	}
	// U* gave back characters down to the last L character; L+ takes just it,
	// as everything after it in the run is upper-case only.
	return lastLEnd
}

// o200kUpper matches [U]+[L]* at j, returning the end or -1.
func o200kUpper(s string, j int) int {
	k := j
	for k < len(s) {
		c, n := classOf(s, k)
		if !in(setU, c) {
			break
		}
		k += n
	}
	if k == j {
		return -1
	}
	for k < len(s) {
		c, n := classOf(s, k)
		if !in(setL, c) {
			break
		}
		k += n
	}
	return k
}

// nextO200k returns the end of the o200k_base piece starting at i.
func nextO200k(s string, i int) int {
	c0, n0 := classOf(s, i)
	if in(setUL|setP, c0) {
		for _, alt := range [2]func(string, int) int{o200kLower, o200kUpper} {
			end := -1
			if in(setP, c0) && i+n0 < len(s) {
				end = alt(s, i+n0)
			}
			if end < 0 && in(setUL, c0) {
				end = alt(s, i)
			}
			if end >= 0 {
				return end + contraction(s, end)
			}
		}
	}
	switch c0 {
	case clsNumber:
		return numbers(s, i)
	case clsSpace, clsNewline:
		if s[i] == ' ' {
			if end := punct(s, i, true); end >= 0 {
				return end
			}
		}
		return whitespace(s, i)
	}
	if end := punct(s, i, true); end >= 0 {
		return end
	}
	return i + n0 // unreachable: every character matches some alternative
}

// nextCl100k returns the end of the cl100k_base piece starting at i.
func nextCl100k(s string, i int) int {
	if n := contraction(s, i); n > 0 {
		return i + n
	}
	c0, n0 := classOf(s, i)
	j := -1
	if in(setLetter, c0) {
		j = i
	} else if in(setP, c0) && i+n0 < len(s) {
		if c1, _ := classOf(s, i+n0); in(setLetter, c1) {
			j = i + n0
		}
	}
	if j >= 0 {
		for j < len(s) {
			c, n := classOf(s, j)
			if !in(setLetter, c) {
				break
			}
			j += n
		}
		return j
	}
	switch c0 {
	case clsNumber:
		return numbers(s, i)
	case clsSpace, clsNewline:
		if s[i] == ' ' {
			if end := punct(s, i, false); end >= 0 {
				return end
			}
		}
		return whitespace(s, i)
	}
	if end := punct(s, i, false); end >= 0 {
		return end
	}
	return i + n0
}
