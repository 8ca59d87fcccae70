#!/usr/bin/env python3
"""Writes ja-ledger.fods, the source of testdata/ooxml/ja-ledger.xlsx and
testdata/odf/ja-ledger.ods: a Japanese municipal ledger with the formulas, conditional
formats, validation and link such sheets carry. LibreOffice turns it into both formats:

    python3 gen-ja-ledger.py > ja-ledger.fods
    soffice --headless --convert-to ods ja-ledger.fods
    soffice --headless --convert-to xlsx ja-ledger.fods
"""
import random
from xml.sax.saxutils import escape, quoteattr

random.seed(7)
SURNAMES = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本".split()
GIVEN = "太郎 花子 一郎 美咲 健太 陽菜 翔 さくら 大輔 結衣".split()
KINDS = [("A", "住民税"), ("B", "固定資産税"), ("C", "軽自動車税")]


def cell(value=None, formula=None, vtype="string", style=None, validation=None):
    attrs = ""
    if validation:
        attrs += ' table:content-validation-name="%s"' % validation
    if style:
        attrs += ' table:style-name="%s"' % style
    if formula:
        attrs += " table:formula=%s" % quoteattr("of:=" + formula)
    if vtype == "float":
        attrs += ' office:value-type="float" office:value="%s"' % value
        return "<table:table-cell%s><text:p>%s</text:p></table:table-cell>" % (attrs, value)
    if formula and value is None:
        return "<table:table-cell%s/>" % attrs
    attrs += ' office:value-type="string"'
    return "<table:table-cell%s><text:p>%s</text:p></table:table-cell>" % (attrs, escape(str(value)))


rows = []
head = ["番号", "氏名", "区分", "金額", "税込", "判定", "区分名", "期日", "表示"]
rows.append("".join(cell(h) for h in head))
n = 120
for i in range(1, n + 1):
    r = i + 1
    name = random.choice(SURNAMES) + " " + random.choice(GIVEN)
    kind = random.choice(KINDS)[0]
    amount = random.randrange(1000, 20000, 100)
    rows.append("".join([
        cell(i, vtype="float"),
        cell(name),
        cell(kind, validation="val1"),
        cell(amount, vtype="float", style="ce1"),
        cell(formula="ROUND([.D%d]*1.1;0)" % r),
        cell(formula='IF([.D%d]>=5000;"高額";"通常")' % r),
        cell(formula="VLOOKUP([.C%d];$区分表.$A$2:$B$4;2;0)" % r),
        cell(formula="DATE(2026;4;MOD([.A%d];28)+1)" % r),
        cell(formula='TEXT([.H%d];"yyyy年m月d日")' % r),
    ]))
last = n + 1
rows.append("".join([
    cell("合計"), cell(formula="COUNTA([.B2:.B%d])" % last), cell(formula='COUNTIF([.C2:.C%d];"A")' % last),
    cell(formula="SUM([.D2:.D%d])" % last), cell(formula="SUM([.E2:.E%d])" % last),
    cell(formula="AVERAGE([.D2:.D%d])" % last), cell(formula='HYPERLINK("https://www.example.jp/";"市のサイト")'),
]))
ledger = "".join("<table:table-row>%s</table:table-row>" % r for r in rows)
kinds = "".join("<table:table-row>%s%s</table:table-row>" % (cell(k), cell(v)) for k, v in [("区分", "名称")] + KINDS)

print("""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:styles><style:style style:name="Default" style:family="table-cell"/><style:style style:name="高額" style:family="table-cell" style:parent-style-name="Default"><style:text-properties fo:color="#c9211e"/></style:style></office:styles>
<office:automatic-styles><style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default"><style:map style:condition="cell-content()&gt;=10000" style:apply-style-name="高額" style:base-cell-address="台帳.D2"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet>
<table:content-validations><table:content-validation table:name="val1" table:condition="of:cell-content-is-in-list(&quot;A&quot;;&quot;B&quot;;&quot;C&quot;)" table:allow-empty-cell="true" table:base-cell-address="台帳.C2"/></table:content-validations>
<table:table table:name="台帳">%s</table:table>
<table:table table:name="区分表">%s</table:table>
<table:named-expressions><table:named-range table:name="金額欄" table:base-cell-address="$台帳.$D$2" table:cell-range-address="$台帳.$D$2:.$D$%d"/></table:named-expressions>
</office:spreadsheet></office:body></office:document>""" % (ledger, kinds, last))
