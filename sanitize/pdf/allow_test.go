package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Every entry of every allow-list has a test case here: a valid value placed in an object
// of its type, which must come out of the sanitizer (qpdf reads the output). Adding an
// entry without a case fails TestAllowListsCovered; a case that stops surviving fails
// TestAllowListsKeep. An unlisted key in each object type must be dropped.

// Fixture objects every host document has, after basePDF's five.
const (
	fxForm     = "6 0 R"  // a form XObject
	fxOCG      = "7 0 R"  // a layer
	fxText     = "8 0 R"  // a Text annotation
	fxPopup    = "9 0 R"  // its Popup
	fxImage    = "10 0 R" // a 2x2 grey image
	fxType1    = "11 0 R" // a Type 1 program (LibreOffice)
	fxTrueType = "12 0 R" // a TrueType program (LibreOffice)
	fxCFF      = "13 0 R" // a bare CFF program (Ghostscript)
	fxCMap     = "14 0 R" // a ToUnicode CMap
	fxFunction = "15 0 R" // an exponential function
	fxShading  = "16 0 R" // an axial shading
	fxField    = "17 0 R" // a form field
	fxFirst    = 18       // first object number a host may add
)

func fixtures(t *testing.T, p *pdfFile) {
	p.add(stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", []byte("0 0 10 10 re f"), false))
	p.add("<< /Type /OCG /Name (Layer) >>")
	p.add("<< /Type /Annot /Subtype /Text /Rect [10 10 20 20] /Contents (note) /Popup " + fxPopup + " >>")
	p.add("<< /Type /Annot /Subtype /Popup /Rect [20 20 120 80] /Parent " + fxText + " >>")
	p.add(stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0, 85, 170, 255}, false))
	t1, _ := fontFile(t, "text-1p.pdf", "FontFile")
	p.add(stream(fmt.Sprintf("/Length1 %d", bytes.Index(t1, []byte("eexec"))+6), t1, true))
	tt, _ := fontFile(t, "ja-multipage.pdf", "FontFile2")
	p.add(stream(fmt.Sprintf("/Length1 %d", len(tt)), tt, true))
	cff, sub := fontFile(t, "gs-fonts.pdf", "FontFile3")
	p.add(stream("/Subtype /"+sub, cff, true))
	p.add(stream("", []byte("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <0041> endbfchar endcmap end end"), false))
	p.add("<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0] /C1 [1 1 1] /N 1 >>")
	p.add("<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 10 0] /Function " + fxFunction + " >>")
	p.add("<< /FT /Tx /T (parent) >>")
}

// fontFile returns the first font program under key in a corpus file, decoded.
func fontFile(t testing.TB, file, key string) ([]byte, string) {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(readFile(t, filepath.Join(corpusDir, file))), testConf())
	if err != nil {
		t.Fatal(err)
	}
	for nr := 1; nr <= *ctx.XRefTable.Size; nr++ {
		o, err := ctx.Dereference(*types.NewIndirectRef(nr, 0))
		d, ok := o.(types.Dict)
		if err != nil || !ok || d.Type() == nil || *d.Type() != "FontDescriptor" {
			continue
		}
		sd, _, err := ctx.DereferenceStreamDict(d[key])
		if err != nil || sd == nil {
			continue
		}
		if err := sd.Decode(); err != nil {
			t.Fatal(err)
		}
		sub := ""
		if n := sd.Dict.NameEntry("Subtype"); n != nil {
			sub = *n
		}
		return sd.Content, sub
	}
	t.Fatalf("no %s in %s", key, file)
	return nil, ""
}

// host places an object of one type holding entries (PDF dictionary text) and returns
// where the rebuilt object is found from the trailer.
type host func(p *pdfFile, entries string) []string

var (
	page0     = []string{"Root", "Pages", "Kids", "0"}
	annot0    = append(slices.Clone(page0), "Annots", "0")
	resources = append(slices.Clone(page0), "Resources")
)

func pageHost(catalogExtra, pageExtra string) *pdfFile {
	return basePDF(catalogExtra, pageExtra)
}

// onPage puts an annotation (whose dictionary text holds %s) on the page.
func onPage(annot string, path ...string) host {
	return func(p *pdfFile, e string) []string {
		p.objs[2] = strings.Replace(p.objs[2], "/Contents", "/Annots ["+fmt.Sprintf(annot, e)+" "+fxText+" "+fxPopup+"] /Contents", 1)
		return append(slices.Clone(annot0), path...)
	}
}

// inResources adds to the page's resources a category holding one entry.
func inResources(category, entry string, path ...string) host {
	return func(p *pdfFile, e string) []string {
		if category == "Font" { // the page already has a font dictionary
			p.objs[2] = strings.Replace(p.objs[2], "/F1 5 0 R", "/F1 5 0 R /R1 "+fmt.Sprintf(entry, e), 1)
		} else {
			p.objs[2] = strings.Replace(p.objs[2], "/Resources << ", "/Resources << /"+category+" << /R1 "+fmt.Sprintf(entry, e)+" >> ", 1)
		}
		return append(append(slices.Clone(resources), category, "R1"), path...)
	}
}

func inCatalog(entry string, path ...string) host {
	return func(p *pdfFile, e string) []string {
		p.objs[0] = strings.Replace(p.objs[0], "/Pages 2 0 R", "/Pages 2 0 R "+fmt.Sprintf(entry, e), 1)
		return append([]string{"Root"}, path...)
	}
}

var hosts = map[string]host{
	"Catalog":           inCatalog("%s"),
	"ViewerPreferences": inCatalog("/ViewerPreferences << %s >>", "ViewerPreferences"),
	"Names":             inCatalog("/Names << %s >>", "Names"),
	"PageLabel":         inCatalog("/PageLabels << /Nums [0 << %s >>] >>", "PageLabels", "Nums", "1"),
	"Outlines": func(p *pdfFile, e string) []string {
		n := len(p.objs) + 1
		p.objs[0] = strings.Replace(p.objs[0], "/Pages 2 0 R", fmt.Sprintf("/Pages 2 0 R /Outlines %d 0 R", n), 1)
		p.add(fmt.Sprintf("<< /Type /Outlines /First %d 0 R %s >>", n+1, e))
		p.add(fmt.Sprintf("<< /Title (one) /Parent %d 0 R >>", n))
		return []string{"Root", "Outlines"}
	},
	"OutlineItem": func(p *pdfFile, e string) []string {
		n := len(p.objs) + 1 // root, three siblings, a child of the middle one
		p.objs[0] = strings.Replace(p.objs[0], "/Pages 2 0 R", fmt.Sprintf("/Pages 2 0 R /Outlines %d 0 R", n), 1)
		p.add(fmt.Sprintf("<< /Type /Outlines /First %d 0 R >>", n+1))
		p.add(fmt.Sprintf("<< /Title (one) /Parent %d 0 R /Next %d 0 R >>", n, n+2))
		p.add(fmt.Sprintf("<< /Parent %d 0 R /Next %d 0 R /First %d 0 R %s >>", n, n+3, n+4, e))
		p.add(fmt.Sprintf("<< /Title (three) /Parent %d 0 R >>", n))
		p.add(fmt.Sprintf("<< /Title (child) /Parent %d 0 R >>", n+2))
		return []string{"Root", "Outlines", "First", "Next"}
	},
	"Action":       onPage("<< /Subtype /Link /Rect [0 0 10 10] /A << /S /GoTo /D [3 0 R /Fit] %s >> >>", "A"),
	"Action/GoTo":  onPage("<< /Subtype /Link /Rect [0 0 10 10] /A << /S /GoTo %s >> >>", "A"),
	"Action/URI":   onPage("<< /Subtype /Link /Rect [0 0 10 10] /A << /S /URI %s >> >>", "A"),
	"Action/Named": onPage("<< /Subtype /Link /Rect [0 0 10 10] /A << /S /Named %s >> >>", "A"),
	"DestDict":     inCatalog("/Names << /Dests << /Names [(a) << %s >>] >> >>", "Names", "Dests", "Names", "1"),
	"OCProperties": inCatalog("/OCProperties << %s >>", "OCProperties"),
	"OCG":          inCatalog("/OCProperties << /OCGs [<< /Type /OCG %s >>] /D << >> >>", "OCProperties", "OCGs", "0"),
	"OCMD":         onPage("<< /Subtype /Square /Rect [0 0 10 10] /OC << /Type /OCMD %s >> >>", "OC"),
	"OCConfig":     inCatalog("/OCProperties << /OCGs ["+fxOCG+"] /D << %s >> >>", "OCProperties", "D"),
	"Info": func(p *pdfFile, e string) []string {
		p.add("<< " + e + " >>")
		return []string{"Info"}
	},
	"Annot":      onPage("<< /Subtype /Square %s >>"),
	"BS":         onPage("<< /Subtype /Link /Rect [0 0 10 10] /BS << %s >> >>", "BS"),
	"BE":         onPage("<< /Subtype /Square /Rect [0 0 10 10] /BE << %s >> >>", "BE"),
	"MK":         onPage("<< /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 10 10] /MK << %s >> >>", "MK"),
	"IconFit":    onPage("<< /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 10 10] /MK << /IF << %s >> >> >>", "MK", "IF"),
	"Appearance": onPage("<< /Subtype /Square /Rect [0 0 10 10] /AP << %s >> >>", "AP"),
	"AcroForm":   inCatalog("/AcroForm << %s >>", "AcroForm"),
	"Field": func(p *pdfFile, e string) []string {
		n := len(p.objs) + 1 // a root field, the field under test, its widget
		p.objs[0] = strings.Replace(p.objs[0], "/Pages 2 0 R", fmt.Sprintf("/Pages 2 0 R /AcroForm << /Fields [%d 0 R] >>", n), 1)
		p.objs[2] = strings.Replace(p.objs[2], "/Contents", fmt.Sprintf("/Annots [%d 0 R] /Contents", n+2), 1)
		p.add(fmt.Sprintf("<< /T (root) /Kids [%d 0 R] >>", n+1))
		p.add(fmt.Sprintf("<< /Parent %d 0 R /Kids [%d 0 R] %s >>", n, n+2, e))
		p.add(fmt.Sprintf("<< /Type /Annot /Subtype /Widget /Parent %d 0 R /Rect [0 0 10 10] >>", n+1))
		return []string{"Root", "AcroForm", "Fields", "0", "Kids", "0"}
	},
	"Page": func(p *pdfFile, e string) []string {
		p.objs[2] = strings.Replace(p.objs[2], "/Type /Page ", "/Type /Page "+e+" ", 1)
		return page0
	},
	"Resources": func(p *pdfFile, e string) []string {
		p.objs[2] = strings.Replace(p.objs[2], "/Resources << ", "/Resources << "+e+" ", 1)
		return resources
	},
	"Group": func(p *pdfFile, e string) []string {
		p.objs[2] = strings.Replace(p.objs[2], "/Type /Page ", "/Type /Page /Group << "+e+" >> ", 1)
		return append(slices.Clone(page0), "Group")
	},
	"Form": func(p *pdfFile, e string) []string {
		n := p.add(stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] "+e, []byte("0 0 5 5 re f"), false))
		return inResources("XObject", "%s")(p, fmt.Sprintf("%d 0 R", n))
	},
	"Image": func(p *pdfFile, e string) []string {
		n := p.add(stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 "+e, []byte{1, 2, 3, 4}, false))
		return inResources("XObject", "%s")(p, fmt.Sprintf("%d 0 R", n))
	},
	"ExtGState": inResources("ExtGState", "<< %s >>"),
	"SoftMask":  inResources("ExtGState", "<< /SMask << /S /Luminosity %s >> >>", "SMask"),
	"Pattern/1": func(p *pdfFile, e string) []string {
		n := p.add(stream("/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 4 4] /XStep 4 /YStep 4 /Resources << >> "+e, []byte("0 0 2 2 re f"), false))
		return inResources("Pattern", "%s")(p, fmt.Sprintf("%d 0 R", n))
	},
	"Pattern/2": inResources("Pattern", "<< /PatternType 2 /Shading "+fxShading+" %s >>"),
	"Shading": func(p *pdfFile, e string) []string {
		n := p.add(stream("/ShadingType 4 /ColorSpace /DeviceGray /BitsPerCoordinate 8 /BitsPerComponent 8 /BitsPerFlag 8 /Decode [0 10 0 10 0 1] "+e,
			[]byte{0, 0, 0, 0, 0, 10, 0, 128, 0, 0, 10, 255}, false))
		return inResources("Shading", "%s")(p, fmt.Sprintf("%d 0 R", n))
	},
	"Function": func(p *pdfFile, e string) []string {
		n := p.add(stream("/FunctionType 0 /Domain [0 1] /Range [0 1 0 1 0 1] /Size [2] /BitsPerSample 8 "+e, []byte{0, 0, 0, 255, 255, 255}, false))
		return inResources("Shading", "<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 1 0] /Function %s >>", "Function")(p, fmt.Sprintf("%d 0 R", n))
	},
	"CalColorSpace": inResources("ColorSpace", "[/CalRGB << %s >>]", "1"),
	"Font/simple":   inResources("Font", "<< /Type /Font /Subtype /TrueType %s >>"),
	"Font/Type3":    inResources("Font", "<< /Type /Font /Subtype /Type3 /CharProcs << /a "+fxForm+" >> %s >>"),
	"Font/Type0":    inResources("Font", "<< /Type /Font /Subtype /Type0 %s >>"),
	"CIDFont": inResources("Font", "<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H /DescendantFonts [<< /Subtype /CIDFontType2 %s >>] >>",
		"DescendantFonts", "0"),
	"CIDSystemInfo": inResources("Font", "<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /Identity-H /DescendantFonts [<< /Subtype /CIDFontType2 /BaseFont /F /CIDSystemInfo << %s >> >>] >>",
		"DescendantFonts", "0", "CIDSystemInfo"),
	"FontDescriptor": inResources("Font", "<< /Type /Font /Subtype /Type1 /BaseFont /F /FontDescriptor << %s >> >>", "FontDescriptor"),
	"FontStyle":      inResources("Font", "<< /Type /Font /Subtype /Type1 /BaseFont /F /FontDescriptor << /Style << %s >> >> >>", "FontDescriptor", "Style"),
	"Encoding":       inResources("Font", "<< /Type /Font /Subtype /Type1 /BaseFont /F /Encoding << %s >> >>", "Encoding"),
	"MarkInfo":       inCatalog("/MarkInfo << %s >>", "MarkInfo"),
	"StructTreeRoot": inCatalog("/StructTreeRoot << /Type /StructTreeRoot %s >>", "StructTreeRoot"),
	"StructElem":     structHost("%s", "K", "0"),
	"MCR":            structHost("/S /P /K [<< /Type /MCR %s >>]", "K", "0", "K", "0"),
	"OBJR":           structHost("/S /Link /K [<< /Type /OBJR %s >>]", "K", "0", "K", "0"),
	"Attributes":     structHost("/S /P /A << %s >>", "K", "0", "A"),
}

// structHost puts a structure element (whose dictionary text holds %s) under a root.
func structHost(elem string, path ...string) host {
	return func(p *pdfFile, e string) []string {
		n := len(p.objs) + 1
		p.objs[0] = strings.Replace(p.objs[0], "/Pages 2 0 R", fmt.Sprintf("/Pages 2 0 R /StructTreeRoot %d 0 R", n), 1)
		p.add(fmt.Sprintf("<< /Type /StructTreeRoot /K [%d 0 R] >>", n+1))
		p.add(fmt.Sprintf("<< /P %d 0 R /Pg 3 0 R %s >>", n, fmt.Sprintf(elem, e)))
		return append([]string{"Root", "StructTreeRoot"}, path...)
	}
}

// annotHost hosts each kept annotation type.
func annotHost(st string) host {
	switch st {
	case "Widget":
		return onPage("<< /Subtype /Widget /Rect [0 0 10 10] %s >>")
	case "Popup":
		return onPage("<< /Subtype /Popup /Rect [0 0 10 10] %s >>")
	}
	return onPage("<< /Subtype /" + st + " /Rect [0 0 10 10] %s >>")
}

// shared are test values for keys whose value is the same wherever they appear.
var shared = map[string]string{
	"Type": "", "Subtype": "", "S": "", // written by the host or rebuilt by the sanitizer
	"Rect": "[0 0 10 10]", "Contents": "(text)", "NM": "(n1)", "M": "(D:20261201)", "F": "4",
	"AP": "<< /N " + fxForm + " >>", "AS": "/Off", "Border": "[0 0 1 [3 2]]", "C": "[1 0 0]",
	"OC": fxOCG, "P": "3 0 R", "T": "(author)", "Popup": fxPopup, "CA": "0.5",
	"CreationDate": "(D:20261201)", "IRT": fxText, "Subj": "(subject)", "RT": "/R", "IT": "/FreeTextCallout",
	"BS": "<< /W 1 >>", "BE": "<< /S /C /I 1 >>", "IC": "[0 1 0]", "RD": "[1 1 1 1]", "LE": "/OpenArrow",
	"QuadPoints": "[0 10 10 10 0 0 10 0]", "DA": "(/Helv 0 Tf 0 g)", "Q": "1",
	"FT": "/Tx", "Parent": "", "Kids": "", "TU": "(tip)", "TM": "(export)", "Ff": "2",
	"V": "(value)", "DV": "(default)", "MaxLen": "8", "Opt": "[(a) [(b) (B)]]", "TI": "0", "I": "[0]",
	"BBox": "[0 0 10 10]", "Matrix": "[1 0 0 1 0 0]", "Resources": "<< >>", "Group": "<< /S /Transparency >>",
	"Domain": "[0 1]", "Range": "[0 1 0 1 0 1]", "Decode": "[0 1]", "Function": fxFunction,
	"ColorSpace": "/DeviceGray", "BitsPerComponent": "8", "Encode": "[0 1]",
	"BaseFont": "/Sample", "FirstChar": "32", "LastChar": "33", "Widths": "[500 500]",
	"FontDescriptor": "<< /FontName /Sample /Flags 32 >>", "ToUnicode": fxCMap, "Name": "/N1",
	"Title": "(title)", "Lang": "(ja-JP)", "Intent": "/View", "Next": "<< /S /GoTo /D [3 0 R /Fit] >>",
	"StructParent": "1", "StructParents": "0",
}

// cases are the values of keys particular to one object type.
var cases = map[string]map[string]string{
	"Catalog": {"Pages": "", "PageLabels": "<< /Nums [0 << /S /D >>] >>", "Names": "<< /Dests << /Names [(a) [3 0 R /Fit]] >> >>",
		"Dests": "<< /b [3 0 R /Fit] >>", "ViewerPreferences": "<< /FitWindow true >>", "PageLayout": "/TwoColumnLeft",
		"PageMode": "/UseOutlines", "Outlines": "<< /Type /Outlines >>", "AcroForm": "<< /Fields [] >>",
		"OCProperties": "<< /OCGs [" + fxOCG + "] /D << >> >>", "Version": "/1.7",
		"Metadata": "_XMP_", "MarkInfo": "<< /Marked true >>", "StructTreeRoot": "<< /Type /StructTreeRoot /K [<< /S /P >>] >>"},
	"ViewerPreferences": {"Type": "/ViewerPreferences", "HideToolbar": "true", "HideMenubar": "true", "HideWindowUI": "true", "FitWindow": "true",
		"CenterWindow": "true", "DisplayDocTitle": "true", "NonFullScreenPageMode": "/UseNone", "Direction": "/R2L",
		"ViewArea": "/CropBox", "ViewClip": "/CropBox", "PrintArea": "/CropBox", "PrintClip": "/CropBox",
		"PrintScaling": "/None", "Duplex": "/Simplex", "PickTrayByPDFSize": "true", "PrintPageRange": "[1 1]", "NumCopies": "2"},
	"Names":        {"Dests": "<< /Names [(a) [3 0 R /XYZ 0 792 0]] >>"},
	"PageLabel":    {"S": "/r", "P": "(A-)", "St": "3"},
	"Outlines":     {"First": "", "Last": "", "Count": ""},
	"OutlineItem":  {"Prev": "", "First": "", "Last": "", "Count": "2", "Dest": "[3 0 R /FitH 700]", "A": "<< /S /URI /URI (https://example.org/) >>", "F": "2"},
	"Action/GoTo":  {"D": "[3 0 R /FitR 0 0 10 10]"},
	"Action/URI":   {"URI": "(https://example.org/)", "IsMap": "true"},
	"Action/Named": {"N": "/NextPage"},
	"DestDict":     {"D": "[3 0 R /FitB]"},
	"OCProperties": {"OCGs": "[" + fxOCG + "]", "D": "<< /BaseState /ON >>", "Configs": "[<< /Name (alt) >>]"},
	"OCG":          {"Name": "(L)"},
	"OCMD":         {"OCGs": "[" + fxOCG + "]", "P": "/AnyOn", "VE": "[/Not " + fxOCG + "]"},
	"OCConfig": {"Name": "(c)", "Creator": "(c)", "BaseState": "/OFF", "ON": "[" + fxOCG + "]", "OFF": "[]",
		"Order": "[(Group) " + fxOCG + "]", "ListMode": "/AllPages", "RBGroups": "[[" + fxOCG + "]]", "Locked": "[" + fxOCG + "]"},
	"Info": {"Title": "(t)", "Subject": "(s)", "Author": "(a)", "Keywords": "(k)", "Creator": "(c)", "Producer": "(p)",
		"CreationDate": "(D:20261201)", "ModDate": "(D:20261201)", "Trapped": "/False"},
	"BS":         {"Type": "/Border", "S": "/D", "W": "2", "D": "[3 1]"},
	"Group":      {"Type": "/Group", "S": "/Transparency", "CS": "/DeviceRGB", "I": "true", "K": "false"},
	"BE":         {"S": "/C", "I": "2"},
	"MK":         {"R": "90", "BC": "[0]", "BG": "[1]", "CA": "(c)", "RC": "(r)", "AC": "(a)", "I": fxForm, "RI": fxForm, "IX": fxForm, "IF": "<< /SW /A >>", "TP": "1"},
	"IconFit":    {"SW": "/B", "S": "/P", "A": "[0.5 0.5]", "FB": "true"},
	"AcroForm":   {"Fields": "[]", "NeedAppearances": "true", "DR": "<< /Font << /Helv 5 0 R >> >>"},
	"Appearance": {"N": "<< /On " + fxForm + " /Off " + fxForm + " >>", "R": fxForm, "D": fxForm},
	"Page": {"Parent": "", "MediaBox": "[0 0 500 700]", "CropBox": "[0 0 500 700]", "BleedBox": "[0 0 500 700]",
		"TrimBox": "[0 0 500 700]", "ArtBox": "[0 0 500 700]", "Rotate": "90", "Contents": "", "Annots": "[" + fxText + "]",
		"UserUnit": "1", "Tabs": "/S"},
	"Resources": {"Font": "<< /F9 5 0 R >>", "XObject": "<< /X9 " + fxForm + " >>", "ExtGState": "<< /G9 << /LW 2 >> >>",
		"ColorSpace": "<< /C9 /DeviceRGB >>", "Pattern": "<< /P9 << /PatternType 2 /Shading " + fxShading + " >> >>",
		"Shading": "<< /S9 " + fxShading + " >>", "Properties": "<< /L9 " + fxOCG + " >>", "ProcSet": "[/PDF /Text]"},
	"Form": {"FormType": "1"},
	"Image": {"Width": "", "Height": "", "ImageMask": "false", "Mask": "[0 10]", "Interpolate": "true",
		"SMask": fxImage, "Matte": "[0]"},
	"ExtGState": {"LW": "1", "LC": "1", "LJ": "1", "ML": "4", "D": "[[3] 0]", "RI": "/Perceptual", "OP": "true",
		"op": "true", "OPM": "1", "Font": "[5 0 R 12]", "BG": fxFunction, "BG2": fxFunction, "UCR": fxFunction,
		"UCR2": fxFunction, "TR": "/Identity", "TR2": "/Default", "FL": "1", "SM": "0.02", "SA": "true", "BM": "/Multiply",
		"SMask": "/None", "CA": "0.5", "ca": "0.5", "AIS": "false", "TK": "true", "UseBlackPtComp": "/ON", "HTO": "[0 0]"},
	"SoftMask":  {"G": fxForm, "BC": "[0]", "TR": "/Identity"},
	"Pattern/1": {"PatternType": "", "PaintType": "", "TilingType": "", "XStep": "", "YStep": ""},
	"Pattern/2": {"PatternType": "", "Shading": "", "ExtGState": "<< /CA 1 >>"},
	"Shading": {"ShadingType": "", "Background": "[0.5]", "AntiAlias": "true", "Coords": "[0 0 1 0]",
		"Extend": "[true false]", "BitsPerCoordinate": "", "BitsPerComponent": "", "BitsPerFlag": "",
		"Decode": "", "VerticesPerRow": "2"},
	"Function": {"FunctionType": "", "Size": "", "BitsPerSample": "", "Order": "1", "C0": "[0]", "C1": "[1]", "N": "2",
		"Functions": "[" + fxFunction + "]", "Bounds": "[]"},
	"CalColorSpace": {"WhitePoint": "[0.9505 1 1.089]", "BlackPoint": "[0 0 0]", "Gamma": "[2.2 2.2 2.2]",
		"Matrix": "[0.4124 0.2126 0.0193 0.3576 0.7152 0.1192 0.1805 0.0722 0.9505]", "Range": "[-100 100 -100 100]"},
	"Font/simple": {"Encoding": "/WinAnsiEncoding"},
	"Font/Type3": {"FontBBox": "[0 0 10 10]", "FontMatrix": "[0.001 0 0 0.001 0 0]", "CharProcs": "",
		"Encoding": "<< /Differences [97 /a] >>", "Resources": "<< >>"},
	"Font/Type0": {"Encoding": "/UniJIS-UCS2-H", "DescendantFonts": "[<< /Subtype /CIDFontType0 /BaseFont /F >>]"},
	"CIDFont": {"CIDSystemInfo": "<< /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >>", "DW": "1000",
		"W": "[1 [500 600] 10 20 700]", "DW2": "[880 -1000]", "W2": "[1 [-1000 500 880]]", "CIDToGIDMap": "/Identity"},
	"CIDSystemInfo": {"Registry": "(Adobe)", "Ordering": "(Identity)", "Supplement": "0"},
	"FontDescriptor": {"FontName": "/Sample", "FontFamily": "(Sample)", "FontStretch": "/Normal", "FontWeight": "400",
		"Flags": "32", "FontBBox": "[0 0 1000 1000]", "ItalicAngle": "0", "Ascent": "800", "Descent": "-200",
		"Leading": "0", "CapHeight": "700", "XHeight": "500", "StemV": "80", "StemH": "80", "AvgWidth": "500",
		"MaxWidth": "1000", "MissingWidth": "500", "FontFile": fxType1, "FontFile2": fxTrueType, "FontFile3": fxCFF,
		"CharSet": "(/a/b)", "Style": "<< /Panose <010502020403020202020204> >>", "Lang": "/ja"},
	"FontStyle":      {"Panose": "<010502020403020202020204>"},
	"Encoding":       {"BaseEncoding": "/WinAnsiEncoding", "Differences": "[32 /space /exclam]"},
	"Annot/Text":     {"Open": "true", "Name": "/Comment", "State": "(Accepted)", "StateModel": "(Review)"},
	"Annot/Link":     {"A": "<< /S /URI /URI (https://example.org/) >>", "Dest": "[3 0 R /Fit]", "H": "/O"},
	"Annot/FreeText": {"CL": "[0 0 5 5]"},
	"Annot/Line":     {"L": "[0 0 10 10]", "LE": "[/None /OpenArrow]", "LL": "1", "LLE": "1", "LLO": "1", "Cap": "true", "CP": "/Top", "CO": "[0 0]"},
	"Annot/Polygon":  {"Vertices": "[0 0 10 0 5 5]", "Path": "[[0 0] [10 0] [5 5]]"},
	"Annot/PolyLine": {"Vertices": "[0 0 10 0 5 5]", "Path": "[[0 0] [10 0] [5 5]]"},
	"Annot/Caret":    {"Sy": "/P"},
	"Annot/Stamp":    {"Name": "/Approved"},
	"Annot/Ink":      {"InkList": "[[0 0 5 5 10 0]]"},
	"Annot/Popup":    {"Parent": fxText, "Open": "true"},
	"Annot/Widget":   {"H": "/P", "MK": "<< /BG [1] >>", "Parent": fxField},
	"MarkInfo":       {"Type": "/MarkInfo", "Marked": "true", "Suspects": "false"},
	"StructTreeRoot": {"K": "[<< /S /Document /K [<< /S /P /K 0 /Pg 3 0 R >>] >>]", "ParentTree": "<< /Nums [0 [null]] >>",
		"ParentTreeNextKey": "1", "RoleMap": "<< /Heading /H1 >>", "ClassMap": "<< /c1 << /O /Layout /Placement /Block >> >>",
		"IDTree": "<< /Names [(id1) << /S /P >>] >>"},
	"StructElem": {"S": "/P", "P": "", "ID": "(e1)", "Pg": "", "K": "[0 << /Type /MCR /MCID 1 >>]",
		"A": "<< /O /Layout /Placement /Block >>", "C": "/c1", "R": "0", "T": "(title)", "Alt": "(alt)", "E": "(e)",
		"ActualText": "(a)"},
	"MCR":  {"Pg": "3 0 R", "Stm": fxForm, "MCID": "0"},
	"OBJR": {"Pg": "3 0 R", "Obj": fxText},
	"Attributes": {"O": "/Layout", "Placement": "/Block", "WritingMode": "/TbRl", "BackgroundColor": "[1 1 1]",
		"BorderColor": "[0 0 0]", "BorderStyle": "/Solid", "BorderThickness": "1", "Padding": "[1 2 3 4]",
		"Color": "[0 0 0]", "SpaceBefore": "1", "SpaceAfter": "1", "StartIndent": "1", "EndIndent": "1",
		"TextIndent": "1", "TextAlign": "/Center", "BBox": "[0 0 10 10]", "Width": "/Auto", "Height": "10",
		"BlockAlign": "/Middle", "InlineAlign": "/Center", "TBorderStyle": "/None", "TPadding": "0",
		"BaselineShift": "0", "LineHeight": "/Normal", "TextDecorationColor": "[0 0 0]",
		"TextDecorationThickness": "1", "TextDecorationType": "/Underline", "RubyAlign": "/Distribute",
		"RubyPosition": "/Before", "GlyphOrientationVertical": "/Auto", "ColumnCount": "2", "ColumnGap": "10",
		"ColumnWidths": "[100 100]", "ListNumbering": "/Decimal", "ContinuedList": "true", "ContinuedFrom": "(l1)",
		"Role": "/cb", "checked": "/on", "Checked": "/on", "Desc": "(d)", "RowSpan": "2", "ColSpan": "2",
		"Headers": "[(h1)]", "Scope": "/Column", "Summary": "(s)", "Short": "(sh)"},
}

// sample returns the test value of key in schema name, and whether one exists. An empty
// value means the host writes the key (or the sanitizer rebuilds it) and only its
// presence is checked.
func sample(schemaName, key string) (string, bool) {
	if v, ok := cases[schemaName][key]; ok {
		return v, true
	}
	v, ok := shared[key]
	return v, ok
}

func TestAllowListsCovered(t *testing.T) {
	for name, s := range allowLists {
		if _, ok := hosts[name]; !ok && !strings.HasPrefix(name, "Annot/") {
			t.Errorf("allow-list %s has no host in allow_test.go", name)
		}
		for key, f := range s {
			if f.why == "" {
				t.Errorf("%s /%s has no reason", name, key)
			}
			if _, ok := sample(name, key); !ok {
				t.Errorf("%s /%s has no test case in allow_test.go", name, key)
			}
		}
	}
	for op, spec := range contentOps {
		if _, ok := opCases[op]; !ok || spec.why == "" {
			t.Errorf("content operator %s has no test case or no reason", op)
		}
	}
	for k := range markedContentKeys {
		if !strings.Contains(markedContentCase, "/"+k+" ") {
			t.Errorf("marked-content key %s has no test case", k)
		}
	}
	for op := range calculatorOps {
		if !slices.Contains(strings.Fields(calculatorCase), op) {
			t.Errorf("calculator operator %s has no test case", op)
		}
	}
	for k := range inlineImageKeys {
		if _, ok := inlineCases[k]; !ok {
			t.Errorf("inline image key %s has no test case", k)
		}
	}
	for tag := range keptTables {
		if !slices.Contains(tableCases, tag) {
			t.Errorf("font table %q has no test case", tag)
		}
	}
}

// TestAllowListsKeep places every entry of every allow-list, with a valid value, in an
// object of its type, plus a key on no list; the entries must survive and the stranger
// must go.
func TestAllowListsKeep(t *testing.T) {
	names := slices.Sorted(dictKeys(allowLists))
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s := allowLists[name]
			h, ok := hosts[name]
			if !ok {
				h = annotHost(strings.TrimPrefix(name, "Annot/"))
			}
			var entries strings.Builder
			var want []string
			for _, key := range slices.Sorted(dictKeys(s)) {
				v, _ := sample(name, key)
				want = append(want, key)
				if v == "" {
					continue
				}
				if v == "_XMP_" {
					v = fmt.Sprintf("%d 0 R", fxFirst)
				}
				fmt.Fprintf(&entries, "/%s %s ", key, v)
			}
			entries.WriteString("/Sekisho_Unlisted_Key 1 ")
			p := pageHost("", "")
			fixtures(t, p)
			if name == "Catalog" {
				p.add(stream("/Type /Metadata /Subtype /XML", []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">t</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`), false))
			}
			path := h(p, entries.String())
			trailer := ""
			if name == "Info" {
				trailer = fmt.Sprintf("/Info %d 0 R", len(p.objs))
			}
			data, _ := p.bytes(trailer)
			opt := Options{}
			if name == "Info" {
				opt.Metadata = MetadataKeep
			}
			out, _, err := run(t, New(opt), data)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			got := objectAt(t, qpdfObjects(t, file), path)
			for _, key := range want {
				if _, ok := got["/"+key]; !ok {
					t.Errorf("/%s did not survive; object: %v", key, got)
				}
			}
			if _, ok := got["/Sekisho_Unlisted_Key"]; ok {
				t.Error("a key on no allow-list survived")
			}
		})
	}
}

// objectAt follows path from the trailer through qpdf's objects.
func objectAt(t *testing.T, objs map[string]any, path []string) map[string]any {
	t.Helper()
	var v any = objs["trailer"]
	for _, step := range path {
		if s, ok := v.(string); ok && strings.HasSuffix(s, " R") {
			v = objs[s]
		}
		switch c := v.(type) {
		case map[string]any:
			v = c["/"+step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i >= len(c) {
				t.Fatalf("path %v: no element %s", path, step)
			}
			v = c[i]
		default:
			t.Fatalf("path %v: %s reached a %T", path, step, v)
		}
	}
	if s, ok := v.(string); ok && strings.HasSuffix(s, " R") {
		v = objs[s]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("path %v reaches %v, not a dictionary", path, v)
	}
	return m
}
