package pdf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/sekisho/sekisho/sanitize"
)

// Document metadata (14.3) goes through the same model as everything else: the
// information dictionary and the XMP packet are rebuilt from allow-lists. With
// pdf.metadata strip (the default) only the title, the subject and the language stay;
// authors, tools and their versions, dates, custom properties and XMP history are
// dropped and listed in the report. With keep, the standard information entries and
// custom text entries stay, and the XMP packet is parsed and written again whole.

const (
	nsRDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDC  = "http://purl.org/dc/elements/1.1/"
	nsXML = "http://www.w3.org/XML/1998/namespace"
)

// xmpKept are the XMP properties kept with metadata strip, by namespace and local name.
var xmpKept = map[xml.Name]string{
	{Space: nsDC, Local: "title"}:       "document title, alternatives by language",
	{Space: nsDC, Local: "description"}: "document subject, alternatives by language",
	{Space: nsDC, Local: "language"}:    "document languages",
}

// xmpPrefixes name the usual namespaces in reports.
var xmpPrefixes = map[string]string{
	nsDC: "dc", nsRDF: "rdf",
	"http://ns.adobe.com/xap/1.0/":        "xmp",
	"http://ns.adobe.com/xap/1.0/mm/":     "xmpMM",
	"http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
	"http://ns.adobe.com/pdf/1.3/":        "pdf",
	"http://ns.adobe.com/photoshop/1.0/":  "photoshop",
	"http://ns.adobe.com/pdfx/1.3/":       "pdfx",
	"http://www.aiim.org/pdfa/ns/id/":     "pdfaid",
}

// info rebuilds the document information dictionary; 0 means none is written.
func (b *builder) info() (ref, error) {
	if b.x.Info == nil {
		return 0, nil
	}
	d, _, err := b.resolveDict(*b.x.Info)
	if err != nil || d == nil {
		return 0, err
	}
	out := dict{}
	var dropped []string
	for _, k := range sortedKeys(d) {
		f, std := infoKeys[k]
		switch {
		case std && (b.opt.keepMeta || infoStripKeys[k]):
			if v, ok := b.scalar(d[k], f.kind); ok {
				out[k] = v
				continue
			}
		case !std && b.opt.keepMeta:
			if s, ok := b.text(d[k]); ok {
				out[k] = str(s)
				continue
			}
		}
		dropped = append(dropped, "/"+k)
	}
	if len(dropped) > 0 {
		b.report(sanitize.ActRemovedMetadata, "document information "+strings.Join(dropped, ", "))
	}
	if len(out) == 0 {
		return 0, nil
	}
	r := b.w.alloc()
	b.w.put(r, out)
	return r, nil
}

// xmp rebuilds the catalog's XMP packet.
func (b *builder) xmp(v types.Object, nr int) (any, bool, error) {
	sd, ok := v.(types.StreamDict)
	if !ok {
		return b.drop(nr, "Metadata")
	}
	data, err := b.streamData(sd, "XMP metadata")
	if err != nil {
		return nil, false, err
	}
	var packet []byte
	if b.opt.keepMeta {
		packet, err = reserializeXMP(data)
	} else {
		var dropped []string
		packet, dropped, err = stripXMP(data)
		if err == nil && len(dropped) > 0 {
			b.report(sanitize.ActRemovedMetadata, "XMP "+strings.Join(dropped, ", "))
		}
	}
	if err != nil {
		b.report(sanitize.ActRemovedMetadata, fmt.Sprintf("XMP metadata that does not parse (%v)", err))
		return b.drop(nr, "Metadata")
	}
	if packet == nil {
		return b.drop(nr, "Metadata")
	}
	return b.place(nr, "Metadata", true, func() (any, error) {
		return &outStream{d: dict{"Type": name("Metadata"), "Subtype": name("XML")}, data: packet, plain: true}, nil
	})
}

type langText struct{ lang, text string }

// stripXMP keeps dc:title, dc:description and dc:language and returns a new packet with
// them (nil when none is set) and the names of the properties dropped.
func stripXMP(data []byte) ([]byte, []string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Producers write broken XMP (Ghostscript: an unquoted attribute); what is read
	// here is written again well-formed, so a lenient reading costs nothing.
	d.Strict = false
	var stack []xml.Name
	var title, desc []langText
	var langs []string
	var dropped []string
	seen := map[string]bool{}
	drop := func(n xml.Name) {
		p := n.Local
		if pre, ok := xmpPrefixes[n.Space]; ok {
			p = pre + ":" + n.Local
		}
		if !seen[p] {
			seen[p] = true
			dropped = append(dropped, p)
		}
	}
	var prop xml.Name // the property being read, below rdf:Description
	var lang string
	var text strings.Builder
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if len(stack) > 64 {
				return nil, nil, errors.New("nested too deep")
			}
			parent := xml.Name{}
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, t.Name)
			if t.Name == (xml.Name{Space: nsRDF, Local: "Description"}) {
				for _, a := range t.Attr {
					if a.Name.Space == nsRDF || a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
						continue
					}
					drop(a.Name) // simple properties written as attributes
				}
				continue
			}
			if parent == (xml.Name{Space: nsRDF, Local: "Description"}) {
				prop = t.Name
				if _, ok := xmpKept[prop]; !ok {
					drop(prop)
				}
				continue
			}
			if t.Name == (xml.Name{Space: nsRDF, Local: "li"}) {
				lang = ""
				for _, a := range t.Attr {
					if a.Name.Space == nsXML && a.Name.Local == "lang" {
						lang = a.Value
					}
				}
				text.Reset()
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] == (xml.Name{Space: nsRDF, Local: "li"}) {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, nil, errors.New("unbalanced")
			}
			stack = stack[:len(stack)-1]
			if t.Name == (xml.Name{Space: nsRDF, Local: "li"}) && len(text.String()) <= 4096 {
				switch prop {
				case xml.Name{Space: nsDC, Local: "title"}:
					title = append(title, langText{lang, text.String()})
				case xml.Name{Space: nsDC, Local: "description"}:
					desc = append(desc, langText{lang, text.String()})
				case xml.Name{Space: nsDC, Local: "language"}:
					langs = append(langs, text.String())
				}
			}
		}
	}
	if len(title) == 0 && len(desc) == 0 && len(langs) == 0 {
		return nil, dropped, nil
	}
	var out bytes.Buffer
	out.WriteString(xpacketBegin)
	out.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="` + nsRDF + `">` +
		`<rdf:Description rdf:about="" xmlns:dc="` + nsDC + `">` + "\n")
	alt := func(prop string, vals []langText) {
		if len(vals) == 0 {
			return
		}
		out.WriteString("<dc:" + prop + "><rdf:Alt>")
		for _, v := range vals {
			l := v.lang
			if l == "" {
				l = "x-default"
			}
			out.WriteString(`<rdf:li xml:lang="`)
			xml.EscapeText(&out, []byte(l))
			out.WriteString(`">`)
			xml.EscapeText(&out, []byte(v.text))
			out.WriteString("</rdf:li>")
		}
		out.WriteString("</rdf:Alt></dc:" + prop + ">\n")
	}
	alt("title", title)
	alt("description", desc)
	if len(langs) > 0 {
		out.WriteString("<dc:language><rdf:Bag>")
		for _, l := range langs {
			out.WriteString("<rdf:li>")
			xml.EscapeText(&out, []byte(l))
			out.WriteString("</rdf:li>")
		}
		out.WriteString("</rdf:Bag></dc:language>\n")
	}
	out.WriteString("</rdf:Description></rdf:RDF></x:xmpmeta>\n" + xpacketEnd)
	return out.Bytes(), dropped, nil
}

const (
	xpacketBegin = "<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	xpacketEnd   = `<?xpacket end="w"?>`
)

// reserializeXMP writes an XMP packet again from its elements, attributes and text:
// comments, processing instructions (other than the packet wrapper, which is new) and
// DTDs do not survive.
func reserializeXMP(data []byte) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	// Producers write broken XMP (Ghostscript: an unquoted attribute); what is read
	// here is written again well-formed, so a lenient reading costs nothing.
	d.Strict = false
	var out bytes.Buffer
	out.WriteString(xpacketBegin)
	var stack []xml.Name
	qname := func(n xml.Name) string {
		if n.Space != "" {
			return n.Space + ":" + n.Local
		}
		return n.Local
	}
	for {
		t, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if len(stack) > 64 {
				return nil, errors.New("nested too deep")
			}
			stack = append(stack, t.Name)
			out.WriteString("<" + qname(t.Name))
			for _, a := range t.Attr {
				out.WriteString(" " + qname(a.Name) + `="`)
				xml.EscapeText(&out, []byte(a.Value))
				out.WriteString(`"`)
			}
			out.WriteString(">")
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name {
				return nil, errors.New("unbalanced")
			}
			stack = stack[:len(stack)-1]
			out.WriteString("</" + qname(t.Name) + ">")
		case xml.CharData:
			if len(stack) > 0 {
				xml.EscapeText(&out, t)
			}
		}
	}
	if len(stack) != 0 {
		return nil, errors.New("unbalanced")
	}
	out.WriteString("\n" + xpacketEnd)
	return out.Bytes(), nil
}
