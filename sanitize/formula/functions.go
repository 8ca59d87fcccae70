package formula

// The allow-list of spreadsheet functions, as data. Each group gives the one-line reason
// that holds for every function in it; a function is allowed only when it computes from
// its arguments and the workbook alone. Names are the canonical upper-case names after
// the storage prefixes are removed (_xlfn., _xlws., COM.MICROSOFT.; see canonical).
//
// Adding a name here needs a sample in testdata/functions.txt (TestAllowListCovered
// fails otherwise); LibreOffice must recognise it (TestFunctionsKnownToLibreOffice).

type group struct {
	reason string
	names  []string
}

var functionGroups = []group{
	{"math and trigonometry: computes from its numeric arguments", []string{
		"ABS", "ACOS", "ACOSH", "ACOT", "ACOTH", "AGGREGATE", "ARABIC", "ASIN", "ASINH", "ATAN",
		"ATAN2", "ATANH", "BASE", "CEILING", "CEILING.MATH", "CEILING.PRECISE", "COMBIN",
		"COMBINA", "COS", "COSH", "COT", "COTH", "CSC", "CSCH", "DECIMAL", "DEGREES",
		"ECMA.CEILING", "EVEN", "EXP", "FACT", "FACTDOUBLE", "FLOOR", "FLOOR.MATH",
		"FLOOR.PRECISE", "GCD", "INT", "ISO.CEILING", "LCM", "LN", "LOG", "LOG10", "MDETERM",
		"MINVERSE", "MMULT", "MOD", "MROUND", "MULTINOMIAL", "MUNIT", "ODD", "PI", "POWER",
		"PRODUCT", "QUOTIENT", "RADIANS", "RAND", "RANDARRAY", "RANDBETWEEN", "ROMAN", "ROUND",
		"ROUNDDOWN", "ROUNDUP", "SEC", "SECH", "SEQUENCE", "SERIESSUM", "SIGN", "SIN", "SINH",
		"SQRT", "SQRTPI", "SUBTOTAL", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "SUMSQ",
		"SUMX2MY2", "SUMX2PY2", "SUMXMY2", "TAN", "TANH", "TRUNC",
	}},
	{"statistics: computes from the values and ranges it is given", []string{
		"AVEDEV", "AVERAGE", "AVERAGEA", "AVERAGEIF", "AVERAGEIFS", "BETA.DIST", "BETA.INV",
		"BETADIST", "BETAINV", "BINOM.DIST", "BINOM.DIST.RANGE", "BINOM.INV", "BINOMDIST",
		"CHIDIST", "CHIINV", "CHISQ.DIST", "CHISQ.DIST.RT", "CHISQ.INV", "CHISQ.INV.RT",
		"CHISQ.TEST", "CHITEST", "CONFIDENCE", "CONFIDENCE.NORM", "CONFIDENCE.T", "CORREL",
		"COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "COUNTIFS", "COVAR", "COVARIANCE.P",
		"COVARIANCE.S", "CRITBINOM", "DEVSQ", "EXPON.DIST", "EXPONDIST", "F.DIST", "F.DIST.RT",
		"F.INV", "F.INV.RT", "F.TEST", "FDIST", "FINV", "FISHER", "FISHERINV", "FORECAST",
		"FORECAST.ETS", "FORECAST.ETS.CONFINT", "FORECAST.ETS.SEASONALITY", "FORECAST.ETS.STAT",
		"FORECAST.LINEAR", "FREQUENCY", "FTEST", "GAMMA", "GAMMA.DIST", "GAMMA.INV",
		"GAMMADIST", "GAMMAINV", "GAMMALN", "GAMMALN.PRECISE", "GAUSS", "GEOMEAN", "GROWTH",
		"HARMEAN", "HYPGEOM.DIST", "HYPGEOMDIST", "INTERCEPT", "KURT", "LARGE", "LINEST",
		"LOGEST", "LOGINV", "LOGNORM.DIST", "LOGNORM.INV", "LOGNORMDIST", "MAX", "MAXA",
		"MAXIFS", "MEDIAN", "MIN", "MINA", "MINIFS", "MODE", "MODE.MULT", "MODE.SNGL",
		"NEGBINOM.DIST", "NEGBINOMDIST", "NORM.DIST", "NORM.INV", "NORM.S.DIST", "NORM.S.INV",
		"NORMDIST", "NORMINV", "NORMSDIST", "NORMSINV", "PEARSON", "PERCENTILE",
		"PERCENTILE.EXC", "PERCENTILE.INC", "PERCENTRANK", "PERCENTRANK.EXC",
		"PERCENTRANK.INC", "PERMUT", "PERMUTATIONA", "PHI", "POISSON", "POISSON.DIST", "PROB",
		"QUARTILE", "QUARTILE.EXC", "QUARTILE.INC", "RANK", "RANK.AVG", "RANK.EQ", "RSQ",
		"SKEW", "SKEW.P", "SLOPE", "SMALL", "STANDARDIZE", "STDEV", "STDEV.P", "STDEV.S",
		"STDEVA", "STDEVP", "STDEVPA", "STEYX", "T.DIST", "T.DIST.2T", "T.DIST.RT", "T.INV",
		"T.INV.2T", "T.TEST", "TDIST", "TINV", "TREND", "TRIMMEAN", "TTEST", "VAR", "VAR.P",
		"VAR.S", "VARA", "VARP", "VARPA", "WEIBULL", "WEIBULL.DIST", "Z.TEST", "ZTEST",
	}},
	{"finance: computes from the rates, dates and amounts it is given", []string{
		"ACCRINT", "ACCRINTM", "AMORDEGRC", "AMORLINC", "COUPDAYBS", "COUPDAYS", "COUPDAYSNC",
		"COUPNCD", "COUPNUM", "COUPPCD", "CUMIPMT", "CUMPRINC", "DB", "DDB", "DISC", "DOLLARDE",
		"DOLLARFR", "DURATION", "EFFECT", "FV", "FVSCHEDULE", "INTRATE", "IPMT", "IRR",
		"ISPMT", "MDURATION", "MIRR", "NOMINAL", "NPER", "NPV", "ODDFPRICE", "ODDFYIELD",
		"ODDLPRICE", "ODDLYIELD", "PDURATION", "PMT", "PPMT", "PRICE", "PRICEDISC",
		"PRICEMAT", "PV", "RATE", "RECEIVED", "RRI", "SLN", "SYD", "TBILLEQ", "TBILLPRICE",
		"TBILLYIELD", "VDB", "XIRR", "XNPV", "YIELD", "YIELDDISC", "YIELDMAT",
	}},
	{"date and time: computes from its arguments and the clock", []string{
		"DATE", "DATEDIF", "DATEVALUE", "DAY", "DAYS", "DAYS360", "EDATE", "EOMONTH", "HOUR",
		"ISOWEEKNUM", "MINUTE", "MONTH", "NETWORKDAYS", "NETWORKDAYS.INTL", "NOW", "SECOND",
		"TIME", "TIMEVALUE", "TODAY", "WEEKDAY", "WEEKNUM", "WORKDAY", "WORKDAY.INTL", "YEAR",
		"YEARFRAC",
	}},
	{"engineering: converts or computes from its arguments", []string{
		"BESSELI", "BESSELJ", "BESSELK", "BESSELY", "BIN2DEC", "BIN2HEX", "BIN2OCT", "BITAND",
		"BITLSHIFT", "BITOR", "BITRSHIFT", "BITXOR", "COMPLEX", "CONVERT", "DEC2BIN", "DEC2HEX",
		"DEC2OCT", "DELTA", "ERF", "ERF.PRECISE", "ERFC", "ERFC.PRECISE", "GESTEP", "HEX2BIN",
		"HEX2DEC", "HEX2OCT", "IMABS", "IMAGINARY", "IMARGUMENT", "IMCONJUGATE", "IMCOS",
		"IMCOSH", "IMCOT", "IMCSC", "IMCSCH", "IMDIV", "IMEXP", "IMLN", "IMLOG10", "IMLOG2",
		"IMPOWER", "IMPRODUCT", "IMREAL", "IMSEC", "IMSECH", "IMSIN", "IMSINH", "IMSQRT",
		"IMSUB", "IMSUM", "IMTAN", "OCT2BIN", "OCT2DEC", "OCT2HEX",
	}},
	{"text: transforms the strings it is given", []string{
		"ARRAYTOTEXT", "ASC", "BAHTTEXT", "CHAR", "CLEAN", "CODE", "CONCAT", "CONCATENATE",
		"DBCS", "DOLLAR", "ENCODEURL", "EXACT", "FIND", "FINDB", "FIXED", "JIS", "LEFT",
		"LEFTB", "LEN", "LENB", "LOWER", "MID", "MIDB", "NUMBERVALUE", "PHONETIC", "PROPER",
		"REGEXEXTRACT", "REGEXREPLACE", "REGEXTEST", "REPLACE", "REPLACEB", "REPT", "RIGHT",
		"RIGHTB", "SEARCH", "SEARCHB", "SUBSTITUTE", "T", "TEXT", "TEXTAFTER", "TEXTBEFORE",
		"TEXTJOIN", "TEXTSPLIT", "TRIM", "UNICHAR", "UNICODE", "UPPER", "VALUE", "VALUETOTEXT",
	}},
	{"logic: combines the values it is given", []string{
		"AND", "FALSE", "IF", "IFERROR", "IFNA", "IFS", "NOT", "OR", "SWITCH", "TRUE", "XOR",
	}},
	{"lambda helpers: apply a formula built from allowed functions, nothing more", []string{
		"BYCOL", "BYROW", "ISOMITTED", "LAMBDA", "LET", "MAKEARRAY", "MAP", "REDUCE", "SCAN",
	}},
	{"information: describes a value or a cell of this workbook", []string{
		"CELL", "ERROR.TYPE", "INFO", "ISBLANK", "ISERR", "ISERROR", "ISEVEN", "ISFORMULA",
		"ISLOGICAL", "ISNA", "ISNONTEXT", "ISNUMBER", "ISODD", "ISREF", "ISTEXT", "N", "NA",
		"SHEET", "SHEETS", "TYPE",
	}},
	{"lookup and reference: reads cells and ranges of this workbook", []string{
		"ADDRESS", "AREAS", "CHOOSE", "CHOOSECOLS", "CHOOSEROWS", "COLUMN", "COLUMNS", "DROP",
		"EXPAND", "FILTER", "FORMULATEXT", "GETPIVOTDATA", "GROUPBY", "HLOOKUP", "HSTACK",
		"INDEX", "LOOKUP", "MATCH", "OFFSET", "PERCENTOF", "PIVOTBY", "ROW", "ROWS", "SORT",
		"SORTBY", "TAKE", "TOCOL", "TOROW", "TRANSPOSE", "TRIMRANGE", "UNIQUE", "VLOOKUP",
		"VSTACK", "WRAPCOLS", "WRAPROWS", "XLOOKUP", "XMATCH",
	}},
	{"database: aggregates a range of this workbook by criteria", []string{
		"DAVERAGE", "DCOUNT", "DCOUNTA", "DGET", "DMAX", "DMIN", "DPRODUCT", "DSTDEV",
		"DSTDEVP", "DSUM", "DVAR", "DVARP",
	}},
	{"checked argument: kept only when its target is http, https, mailto or in the workbook", []string{
		"HYPERLINK",
	}},
	{"checked argument: kept only when no string in the formula can name another file", []string{
		"INDIRECT",
	}},
	{"OpenDocument name of a function that computes from its arguments (ODF 1.2 part 2, LibreOffice)", []string{
		"B", "CHISQDIST", "CHISQINV", "FORMULA", "LEGACY.CHIDIST", "LEGACY.CHIINV",
		"LEGACY.FDIST", "LEGACY.FINV", "LEGACY.NORMSDIST", "LEGACY.NORMSINV", "LEGACY.TDIST",
		"MULTIPLE.OPERATIONS", "ORG.LIBREOFFICE.RAWSUBTRACT", "ORG.LIBREOFFICE.ROUNDSIG",
		"ORG.LIBREOFFICE.REGEX", "ORG.OPENOFFICE.DAYSINMONTH", "ORG.OPENOFFICE.DAYSINYEAR",
		"ORG.OPENOFFICE.EASTERSUNDAY", "ORG.OPENOFFICE.ISLEAPYEAR", "ORG.OPENOFFICE.MONTHS",
		"ORG.OPENOFFICE.ROT13", "ORG.OPENOFFICE.WEEKS", "ORG.OPENOFFICE.WEEKSINYEAR",
		"ORG.OPENOFFICE.YEARS", "ORG.OPENOFFICE.CURRENT",
	}},
}

// remote names functions that are known to reach outside the workbook. The decision is
// the allow-list's (none of these is on it); this table only names the reason in the
// report.
var remote = map[string]string{
	"WEBSERVICE": "fetches a URL", "IMAGE": "fetches an image from a URL",
	"STOCKHISTORY": "fetches market data", "FILTERXML": "parses XML from any source",
	"RTD": "talks to a COM server", "CALL": "calls a DLL entry point",
	"REGISTER": "loads a DLL entry point", "REGISTER.ID": "loads a DLL entry point",
	"EXEC": "starts a program", "EVALUATE": "evaluates text as a formula",
	"SQL.REQUEST": "queries an external database", "TRANSLATE": "calls an online service",
	"DETECTLANGUAGE": "calls an online service", "COPILOT": "calls an online service",
	"PY": "runs Python code", "FIELDVALUE": "reads linked online data",
	"CUBEKPIMEMBER": "queries an OLAP connection", "CUBEMEMBER": "queries an OLAP connection",
	"CUBEMEMBERPROPERTY": "queries an OLAP connection", "CUBERANKEDMEMBER": "queries an OLAP connection",
	"CUBESET": "queries an OLAP connection", "CUBESETCOUNT": "queries an OLAP connection",
	"CUBEVALUE": "queries an OLAP connection", "FOPEN": "opens a file", "FWRITE": "writes a file",
	"FWRITELN": "writes a file", "FREAD": "reads a file", "FREADLN": "reads a file",
	"DIRECTORY": "reads the file system", "FILES": "reads the file system",
	"RUN": "runs a macro",
}

// conditionKeywords are the keywords ODF conditions are written with (style:map,
// table:content-validation, calcext:condition), lower case.
var conditionKeywords = map[string]string{
	"cell-content":                            "compares the cell's own value",
	"cell-content-is-between":                 "compares the cell's own value",
	"cell-content-is-not-between":             "compares the cell's own value",
	"cell-content-is-whole-number":            "tests the cell's own value",
	"cell-content-is-decimal-number":          "tests the cell's own value",
	"cell-content-is-date":                    "tests the cell's own value",
	"cell-content-is-time":                    "tests the cell's own value",
	"cell-content-is-in-list":                 "tests the cell's own value against a list",
	"cell-content-text-length":                "tests the length of the cell's text",
	"cell-content-text-length-is-between":     "tests the length of the cell's text",
	"cell-content-text-length-is-not-between": "tests the length of the cell's text",
	"is-true-formula":                         "wraps a formula, itself checked",
	"formula-is":                              "wraps a formula, itself checked",
	"value":                                   "number-format condition on the value shown",
	"between":                                 "compares the cell's own value",
	"not-between":                             "compares the cell's own value",
	"top-elements":                            "ranks the range's own values",
	"bottom-elements":                         "ranks the range's own values",
	"top-percent":                             "ranks the range's own values",
	"bottom-percent":                          "ranks the range's own values",
	"begins-with":                             "compares the cell's own text",
	"ends-with":                               "compares the cell's own text",
	"contains-text":                           "compares the cell's own text",
	"not-contains-text":                       "compares the cell's own text",
}

// writerFunctions are the functions of Writer's field and table calculator (ooow:),
// lower case: arithmetic only, the calculator has no access to anything else.
var writerFunctions = map[string]string{
	"sqrt": "arithmetic", "sin": "arithmetic", "cos": "arithmetic", "tan": "arithmetic",
	"asin": "arithmetic", "acos": "arithmetic", "atan": "arithmetic", "abs": "arithmetic",
	"sign": "arithmetic", "round": "arithmetic", "int": "arithmetic", "sum": "arithmetic",
	"mean": "arithmetic", "average": "arithmetic", "min": "arithmetic", "max": "arithmetic",
	"count": "arithmetic", "product": "arithmetic", "mod": "arithmetic", "pow": "arithmetic",
}

// functions maps every allowed name to its reason.
var functions = func() map[string]string {
	m := map[string]string{}
	for _, g := range functionGroups {
		for _, n := range g.names {
			m[n] = g.reason
		}
	}
	return m
}()

// Reason returns the allow-list's reason for a function name (any storage prefix), or ""
// when the function is not allowed.
func Reason(name string) string { return functions[canonical(name)] }
