package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// ImageColumns names the values of a compact listed image, in order. They
// are the API's field names, except size_gb: the root volume's size in GB
// (10^9 bytes, as Scaleway counts), which a model reads more easily than
// 11 digits of bytes, and null when the list does not know it (a Block
// Storage snapshot, which the Instance API sizes 0). root_volume is the
// root volume's snapshot id.
//
// A row instead of an object is the one big saving of the compact form:
// the keys are written once per list (in the output's columns field)
// instead of once per image, so a listed image costs about a third of its
// API JSON while keeping every field a model needs to pick an image.
var ImageColumns = []string{
	"id", "name", "arch", "state", "public", "zone",
	"creation_date", "root_volume", "size_gb", "volume_type", "tags",
}

// ImageItem is a listed image. It encodes as a row of ImageColumns values
// (compact, the default) or, when Image is set (verbose), as that whole
// API object. Decoding accepts both and fills the compact fields either
// way, so Go callers can read an item without knowing which form it had.
type ImageItem struct {
	ID           string
	Name         string
	Arch         string
	State        string
	Public       bool
	Zone         string
	CreationDate string   // RFC 3339 at second precision; "" (null) when unknown
	RootVolume   string   // the root volume's snapshot id; "" (null) when none
	SizeGB       *float64 // nil (null) when unknown
	VolumeType   string
	Tags         []string

	// Image is the whole object: set for verbose lists, nil for compact.
	Image *Image
}

// newImageItem shapes an API image into a list item; verbose keeps the
// whole object too.
func newImageItem(img *scaleway.Image, verbose bool) ImageItem {
	item := ImageItem{
		ID:     img.ID,
		Name:   img.Name,
		Arch:   string(img.Arch),
		State:  string(img.State),
		Public: img.Public,
		Zone:   string(img.Zone),
		Tags:   img.Tags,
	}
	if img.CreationDate != nil {
		item.CreationDate = formatTime(img.CreationDate.Time)
	}
	if rv := img.RootVolume; rv != nil {
		item.RootVolume = rv.ID
		item.VolumeType = string(rv.VolumeType)
		if !sizeUnknown(rv.VolumeType, rv.Size) {
			item.SizeGB = gigabytes(rv.Size)
		}
	}
	if verbose {
		item.Image = newImage(img)
	}
	return item
}

// MarshalJSON writes the whole object when verbose, else the compact row.
func (it ImageItem) MarshalJSON() ([]byte, error) {
	if it.Image != nil {
		return json.Marshal(it.Image)
	}
	return it.appendRow(make([]byte, 0, 192)), nil
}

// appendRow writes the row by hand: it is the hot path of every list, and
// building an []any for encoding/json would box each value.
func (it ImageItem) appendRow(b []byte) []byte {
	b = append(b, '[')
	b = appendString(b, it.ID)
	b = append(b, ',')
	b = appendString(b, it.Name)
	b = append(b, ',')
	b = appendString(b, it.Arch)
	b = append(b, ',')
	b = appendString(b, it.State)
	b = append(b, ',')
	b = strconv.AppendBool(b, it.Public)
	b = append(b, ',')
	b = appendString(b, it.Zone)
	b = append(b, ',')
	b = appendStringOrNull(b, it.CreationDate)
	b = append(b, ',')
	if it.RootVolume == "" {
		b = append(b, "null,null,null"...)
	} else {
		b = appendString(b, it.RootVolume)
		b = append(b, ',')
		b = appendFloatOrNull(b, it.SizeGB)
		b = append(b, ',')
		b = appendString(b, it.VolumeType)
	}
	b = append(b, ',')
	b = appendStrings(b, it.Tags)
	return append(b, ']')
}

// UnmarshalJSON reads a compact row or a whole image object.
func (it *ImageItem) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var img scaleway.Image
		if err := json.Unmarshal(data, &img); err != nil {
			return err
		}
		*it = newImageItem(&img, true)
		return nil
	}
	*it = ImageItem{}
	return decodeRow(data, "image", ImageColumns, &it.ID, &it.Name, &it.Arch, &it.State, &it.Public, &it.Zone,
		&it.CreationDate, &it.RootVolume, &it.SizeGB, &it.VolumeType, &it.Tags)
}

// decodeRow reads the compact row of a listed item (what names it, for
// errors) into targets, one per column.
func decodeRow(data []byte, what string, columns []string, targets ...any) error {
	var row []json.RawMessage
	if err := json.Unmarshal(data, &row); err != nil {
		return fmt.Errorf("a listed %s is a row or an object: %w", what, err)
	}
	if len(row) != len(columns) {
		return fmt.Errorf("a listed %s row has %d values, want %d (%v)", what, len(row), len(columns), columns)
	}
	for i, target := range targets {
		if err := json.Unmarshal(row[i], target); err != nil {
			return fmt.Errorf("listed %s column %s: %w", what, columns[i], err)
		}
	}
	return nil
}

// gigabytes is a size in bytes as GB (10^9 bytes, as Scaleway counts).
func gigabytes(bytes uint64) *float64 {
	gb := float64(bytes) / 1e9
	return &gb
}

func appendStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

func appendFloatOrNull(b []byte, f *float64) []byte {
	if f == nil {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, *f, 'f', -1, 64)
}

// appendStrings writes a JSON array of strings; nil is [], as in the API.
func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string with the escapes encoding/json
// uses: quotes, backslashes, control characters, <, > and & (HTML-safe),
// U+2028 and U+2029, and U+FFFD for invalid UTF-8.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
