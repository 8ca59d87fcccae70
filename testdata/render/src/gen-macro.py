# Builds macro.docm, macro.xlsm and macro.pptm from the OOXML corpus: the main part's
# content type becomes the macro-enabled one and a vbaProject.bin part (the compound file
# testdata/ole/gen-vba.doc, which holds a VBA storage) is added with its relationship.
# Run from testdata/render: python3 src/gen-macro.py
import zipfile
vba = open('../ole/gen-vba.doc', 'rb').read()
specs = [
    ('../ooxml/memo.docx', 'macro.docm', 'word',
     'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
     'application/vnd.ms-word.document.macroEnabled.main+xml', 'word/_rels/document.xml.rels'),
    ('../ooxml/ledger.xlsx', 'macro.xlsm', 'xl',
     'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
     'application/vnd.ms-excel.sheet.macroEnabled.main+xml', 'xl/_rels/workbook.xml.rels'),
    ('../ooxml/slides.pptx', 'macro.pptm', 'ppt',
     'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
     'application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml', 'ppt/_rels/presentation.xml.rels'),
]
for src, dst, d, old, new, rels in specs:
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED)
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == '[Content_Types].xml':
            s = data.decode()
            assert old in s, (src, 'content type')
            s = s.replace(old, new).replace(
                '</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            data = s.encode()
        if info.filename == rels:
            data = data.decode().replace('</Relationships>',
                '<Relationship Id="rIdVba1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>').encode()
        zout.writestr(info.filename, data)
    zout.writestr(d + '/vbaProject.bin', vba)
    zout.close()
