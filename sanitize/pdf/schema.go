package pdf

// kind says how the value of an allowed key is rebuilt. Scalars are checked for their
// type and rewritten; objects are rebuilt by the builder of their object type, which has
// its own allow-list.
type kind uint8

const (
	kName    kind = iota + 1 // a name
	kInt                     // an integer
	kNum                     // a number
	kBool                    // a boolean
	kText                    // a string (text or bytes)
	kNums                    // an array of numbers
	kRect                    // an array of four numbers
	kNames                   // a name or an array of names
	kBools                   // an array of booleans
	kNumRows                 // an array of arrays of numbers (ink lists, paths)
	kObj                     // a value of object type typ
	kArr                     // an array of values of object type typ (a single value is read as one)
	kMap                     // a dictionary of values of object type typ
	kLink                    // structure the builder recomputes (parents, counts, lengths); never copied
)

// field is one allowed key: how its value is rebuilt and why it may stay.
type field struct {
	kind kind
	typ  string // object type, for kObj, kArr and kMap
	why  string
}

// schema is the allow-list of one object type: every key not in it is dropped and
// reported.
type schema map[string]field

func scalar(k kind, why string) field { return field{kind: k, why: why} }
func obj(typ, why string) field       { return field{kind: kObj, typ: typ, why: why} }
func arr(typ, why string) field       { return field{kind: kArr, typ: typ, why: why} }
func mapOf(typ, why string) field     { return field{kind: kMap, typ: typ, why: why} }
func rebuilt(why string) field        { return field{kind: kLink, why: why} }

// merge joins schemas: an annotation is its common keys plus its subtype's.
func merge(ss ...schema) schema {
	out := schema{}
	for _, s := range ss {
		for k, f := range s {
			out[k] = f
		}
	}
	return out
}

// allowLists names every allow-list of object keys, for allow_test.go (which requires a
// test case per entry) and the documentation.
var allowLists = func() map[string]schema {
	m := map[string]schema{
		"Catalog": catalogKeys, "ViewerPreferences": viewerPreferencesKeys, "Names": namesKeys,
		"PageLabel": pageLabelKeys, "Outlines": outlinesKeys, "OutlineItem": outlineItemKeys,
		"Action": actionKeys, "Action/GoTo": actionGoToKeys, "Action/URI": actionURIKeys,
		"Action/Named": actionNamedKeys, "DestDict": destDictKeys, "OCProperties": ocPropertiesKeys,
		"OCG": ocgKeys, "OCMD": ocmdKeys, "OCConfig": ocConfigKeys, "Info": infoKeys,
		"Annot": annotKeys, "BS": borderStyleKeys, "BE": borderEffectKeys, "MK": mkKeys,
		"IconFit": iconFitKeys, "AcroForm": acroFormKeys, "Field": fieldKeys, "Appearance": appearanceKeys,
		"Page": pageKeys, "Resources": resourcesKeys, "Group": groupKeys, "Form": formKeys,
		"Image": imageKeys, "ExtGState": extGStateKeys, "SoftMask": softMaskKeys,
		"Pattern/1": tilingPatternKeys, "Pattern/2": shadingPatternKeys, "Shading": shadingKeys,
		"Function": functionKeys, "CalColorSpace": calKeys, "Font/simple": simpleFontKeys,
		"Font/Type3": type3FontKeys, "Font/Type0": type0FontKeys, "CIDFont": cidFontKeys,
		"CIDSystemInfo": cidSystemInfoKeys, "FontDescriptor": fontDescriptorKeys,
		"FontStyle": fontStyleKeys, "Encoding": encodingKeys,
		"MarkInfo": markInfoKeys, "StructTreeRoot": structTreeRootKeys, "StructElem": structElemKeys,
		"MCR": mcrKeys, "OBJR": objrKeys, "Attributes": attributeKeys,
	}
	for st, s := range keptAnnots {
		m["Annot/"+st] = s
	}
	return m
}()
