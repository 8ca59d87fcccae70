package msoxml

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/sekisho/sekisho/sanitize"
)

// Names of the Office 2003 "o:" vocabulary (OLE objects in VML).
const nsOffice = "urn:schemas-microsoft-com:office:office"

// convertWord writes the text of w:t runs, a line per paragraph, tabs and breaks kept.
// Field instructions (w:instrText, w:fldSimple's w:instr) are read only to report DDE and
// link fields; w:binData and OLE objects are reported, never decoded.
func convertWord(d *decoder, w io.Writer, res *sanitize.Result, path string) error {
	bw := bufio.NewWriter(w)
	var (
		inText, inInstr        bool
		instr                  strings.Builder
		dde, links             []string
		macros, objects, paras int
	)
	flushInstr := func() {
		s := strings.TrimSpace(instr.String())
		instr.Reset()
		u := strings.ToUpper(s)
		switch {
		case strings.Contains(u, "DDE"):
			dde = append(dde, s)
		case strings.HasPrefix(u, "INCLUDE") || strings.HasPrefix(u, "LINK") || strings.HasPrefix(u, "IMPORT"):
			links = append(links, s)
		}
	}
	for d.depth > 0 {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Space == nsWord:
				switch t.Name.Local {
				case "t":
					inText = true
				case "instrText":
					inInstr = true
				case "fldSimple":
					v, _ := attr(t, nsWord, "instr")
					instr.WriteString(v)
					flushInstr()
				case "fldChar":
					if v, _ := attr(t, nsWord, "fldCharType"); v == "separate" || v == "end" {
						if instr.Len() > 0 {
							flushInstr()
						}
					}
				case "tab":
					bw.WriteByte('\t')
				case "br", "cr":
					bw.WriteString("\r\n")
				case "binData":
					n, _ := attr(t, nsWord, "name")
					if strings.HasSuffix(strings.ToLower(n), ".mso") {
						macros++ // editdata.mso: an ActiveMime blob holding a VBA project
					}
				case "docOleData", "docSuppData":
					macros++
				}
			case t.Name.Space == nsOffice && t.Name.Local == "OLEObject":
				objects++
			}
		case xml.EndElement:
			if t.Name.Space != nsWord {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "instrText":
				inInstr = false
			case "p":
				bw.WriteString("\r\n")
				paras++
			}
		case xml.CharData:
			switch {
			case inText:

				bw.WriteString(strings.Map(dropControls, string(t)))
			case inInstr && instr.Len() < maxCell:
				instr.Write(t)
			}
		}
	}
	if instr.Len() > 0 {
		flushInstr()
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	res.Add(sanitize.ActConvertedToText, path, fmt.Sprintf("Word 2003 XML converted to plain text (%d paragraphs)", paras))
	if len(dde) > 0 {
		res.Add(sanitize.ActRemovedDDE, path, fmt.Sprintf("%d DDE fields (first: %s)", len(dde), short(dde[0])))
	}
	if len(links) > 0 {
		res.Add(sanitize.ActRemovedExternalLink, path, fmt.Sprintf("%d link fields (first: %s)", len(links), short(links[0])))
	}
	if macros > 0 {
		res.Add(sanitize.ActRemovedMacros, path, "macro container (w:binData *.mso, w:docOleData)")
	}
	if objects > 0 {
		res.Add(sanitize.ActRemovedOLE, path, fmt.Sprintf("%d OLE objects", objects))
	}
	return nil
}

func dropControls(r rune) rune {
	if r < 0x20 && r != '\t' || r == 0x7f {
		return -1
	}
	return r
}
