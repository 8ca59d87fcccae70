#!/usr/bin/env python3
"""Writes the mail corpus (*.eml) from hand-written templates and the real files in
assets/ (made with ImageMagick, Ghostscript and zip; see README.md). Each message is
written byte by byte in its own charset and transfer encoding, the way the mailer it
imitates writes it. Run from this directory: python3 gen.py"""
import base64, quopri, struct, os, io, zipfile

def b64(data, width=76):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i+width] for i in range(0, len(s), width))

def ew(text, cs, pycs=None, maxraw=None):
    """RFC 2047 B words; maxraw splits the raw bytes (as some encoders do)."""
    raw = text.encode(pycs or cs)
    if maxraw is None:
        return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())
    words = []
    for i in range(0, len(raw), maxraw):
        words.append("=?%s?B?%s?=" % (cs, base64.b64encode(raw[i:i+maxraw]).decode()))
    return "\n ".join(words)

def iso2022_words(text, chunk):
    """ISO-2022-JP words, each a complete escape-balanced string of `chunk` characters."""
    words = []
    for i in range(0, len(text), chunk):
        words.append("=?ISO-2022-JP?B?%s?=" % base64.b64encode(text[i:i+chunk].encode("iso2022_jp")).decode())
    return "\n ".join(words)

def crlf(s):
    return s.replace("\r\n", "\n").replace("\n", "\r\n")

def write(name, data):
    if isinstance(data, str):
        data = crlf(data).encode("ascii")
    with open(name, "wb") as f:
        f.write(data)

def asset(n):
    with open(os.path.join("assets", n), "rb") as f:
        return f.read()

HDR = """Received: from mx.example.net (mx.example.net [192.0.2.10])
\tby mail.example.jp with ESMTPS id 4Xy2; Mon, 16 Nov 2026 09:12:01 +0900
Date: Mon, 16 Nov 2026 09:12:00 +0900
Message-ID: <{mid}@example.net>
X-Sekisho-Status: clean
X-Mailer: {mailer}
"""

# 1. ISO-2022-JP newsletter: subject split over words, Japanese display names.
body = ("いつもご利用いただきありがとうございます。\n"
        "株式会社サンプルより、十一月のお知らせです。\n"
        "\n"
        "・年末年始の営業日について\n"
        "・新しい申請様式の公開について\n"
        "\n"
        "詳しくは https://www.example.jp/news/2026/11 をご覧ください。\n")
write("jp-newsletter-iso2022jp.eml",
      HDR.format(mid="nl-iso2022jp-0001", mailer="Sample Mailer 3.1") +
      "From: " + iso2022_words("株式会社サンプル 広報部", 20) + " <news@example.jp>\n"
      "To: " + iso2022_words("山田太郎", 10) + " <taro@example.lg.jp>\n"
      "Subject: " + iso2022_words("【サンプル通信】十一月号：年末年始の営業日と新しい申請様式のお知らせ", 12) + "\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=ISO-2022-JP\n"
      "Content-Transfer-Encoding: 7bit\n\n" +
      crlf(body).encode("iso2022_jp").decode("ascii"))

# 2. Shift_JIS newsletter, 8bit, with CP932 characters (①, ㈱, 髙) and a subject whose
#    multibyte characters are split across encoded-words (a common encoder bug).
body = ("髙橋様\n\n"
        "㈱サンプル商事の新製品のご案内です。\n"
        "① 受付開始：十二月一日\n"
        "② 締め切り：十二月二十日\n\n"
        "ご不明な点はお問い合わせください。\n")
write("jp-newsletter-sjis.eml",
      (HDR.format(mid="nl-sjis-0002", mailer="WinBiff 2.51") +
       "From: " + ew("㈱サンプル商事", "Shift_JIS", "cp932") + " <info@sample-shoji.example>\n"
       "To: takahashi@example.lg.jp\n"
       "Subject: " + ew("①新製品のご案内（髙橋様）", "Shift_JIS", "cp932", maxraw=9) + "\n"
       "MIME-Version: 1.0\n"
       "Content-Type: text/plain; charset=Shift_JIS\n"
       "Content-Transfer-Encoding: 8bit\n\n").replace("\n", "\r\n").encode("ascii") +
      crlf(body).encode("cp932"))

# 3. EUC-JP HTML newsletter with a table, a list, a hidden tracking text and a script.
html = ("<html><head><title>お知らせ</title><style>.x{display:none}</style>"
        "<script>alert('x')</script></head><body>\n"
        "<h1>市民講座のご案内</h1>\n<p>来月の講座は次のとおりです。</p>\n"
        "<table><tr><th>日付</th><th>講座名</th></tr>\n"
        "<tr><td>十二月五日</td><td>防災入門</td></tr>\n"
        "<tr><td>十二月十二日</td><td>家計の見直し</td></tr></table>\n"
        "<ul><li>参加費は無料です。</li><li>定員は三十名です。</li></ul>\n"
        "<p>申込は<a href=\"https://apply.example.jp/form?id=12\">こちらのフォーム</a>から。</p>\n"
        "<div style=\"display:none\">隠しテキスト</div>\n"
        "</body></html>\n")
write("jp-newsletter-eucjp.eml",
      (HDR.format(mid="nl-eucjp-0003", mailer="Mew version 6.8") +
       "From: " + ew("市民講座事務局", "EUC-JP") + " <kouza@example.jp>\n"
       "To: members@example.lg.jp\n"
       "Subject: " + ew("市民講座のご案内", "EUC-JP") + "\n"
       "MIME-Version: 1.0\n"
       "Content-Type: text/html; charset=EUC-JP\n"
       "Content-Transfer-Encoding: 8bit\n\n").replace("\n", "\r\n").encode("ascii") +
      crlf(html).encode("euc_jp"))

# 4. UTF-8 quoted-printable plain text (Thunderbird style, format=flowed).
body = ("皆様\n\n来週の定例会議は会議室Ｂで行います。\n資料は前日までにお送りします。\n\n"
        "-- \n総務課 佐藤\n")
write("jp-newsletter-utf8-qp.eml",
      HDR.format(mid="qp-0004", mailer="Mozilla Thunderbird") +
      "From: " + ew("佐藤花子", "UTF-8", "utf-8") + " <hanako@example.lg.jp>\n"
      "To: all@example.lg.jp\n"
      "Cc: " + ew("鈴木", "UTF-8", "utf-8") + " <suzuki@example.lg.jp>, tanaka@example.lg.jp\n"
      "Reply-To: soumu@example.lg.jp\n"
      "Subject: =?UTF-8?Q?=E5=AE=9A=E4=BE=8B=E4=BC=9A=E8=AD=B0=E3=81=AE=E3=81=8A?=\n"
      " =?UTF-8?Q?=E7=9F=A5=E3=82=89=E3=81=9B?=\n"
      "In-Reply-To: <prev-0001@example.lg.jp>\n"
      "References: <root-0001@example.lg.jp> <prev-0001@example.lg.jp>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
      "Content-Transfer-Encoding: quoted-printable\n\n" +
      quopri.encodestring(crlf(body).encode("utf-8")).decode("ascii"))

# 5. Gmail: multipart/alternative, base64 UTF-8 plain + HTML, mixed ISO-2022-JP/UTF-8 subject words.
plain = "お世話になっております。\n見積書を添付いたします。\nご確認のほどよろしくお願いいたします。\n"
html = ("<div dir=\"ltr\">お世話になっております。<br>見積書を添付いたします。<br>"
        "ご確認のほどよろしくお願いいたします。</div>\n")
write("gmail-alternative-pdf.eml",
      HDR.format(mid="CAgmail0005", mailer="Gmail") +
      "From: " + ew("木村", "UTF-8", "utf-8") + " <kimura@gmail.example>\n"
      "To: keiyaku@example.lg.jp\n"
      "Subject: " + ew("お見積り", "ISO-2022-JP", "iso2022_jp") + " " + ew("の件（再送）", "UTF-8", "utf-8") + "\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"000000000000a1b2c3\"\n\n"
      "--000000000000a1b2c3\n"
      "Content-Type: multipart/alternative; boundary=\"000000000000a1b2c2\"\n\n"
      "--000000000000a1b2c2\n"
      "Content-Type: text/plain; charset=\"UTF-8\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(crlf(plain).encode()) + "\n"
      "--000000000000a1b2c2\n"
      "Content-Type: text/html; charset=\"UTF-8\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(crlf(html).encode()) + "\n"
      "--000000000000a1b2c2--\n"
      "--000000000000a1b2c3\n"
      "Content-Type: application/pdf; name=\"=?UTF-8?B?" + base64.b64encode("見積書.pdf".encode()).decode() + "?=\"\n"
      "Content-Disposition: attachment; filename*=UTF-8''%E8%A6%8B%E7%A9%8D%E6%9B%B8.pdf\n"
      "Content-Transfer-Encoding: base64\n"
      "Content-ID: <f_abc123>\n\n" + b64(asset("invoice.pdf")) + "\n"
      "--000000000000a1b2c3--\n")

# 6. Apple Mail: alternative + related with an inline image, and a zip attachment.
plain = "添付の資料をご確認ください。\n\n[写真]\n\nよろしくお願いします。\n"
html = ("<html><body><div>添付の資料をご確認ください。</div><div><img src=\"cid:logo@apple\" alt=\"写真\"></div>"
        "<div>よろしくお願いします。</div></body></html>\n")
write("apple-mail-related.eml",
      HDR.format(mid="A1B2C3D4-0006", mailer="Apple Mail (2.3774)") +
      "From: " + ew("伊藤", "utf-8", "utf-8") + " <ito@icloud.example>\n"
      "To: ito.k@example.lg.jp\n"
      "Subject: " + ew("資料の送付", "utf-8", "utf-8") + "\n"
      "Mime-Version: 1.0 (Mac OS X Mail 16.0)\n"
      "Content-Type: multipart/mixed; boundary=\"Apple-Mail=_OUTER\"\n\n"
      "--Apple-Mail=_OUTER\n"
      "Content-Type: multipart/alternative; boundary=\"Apple-Mail=_ALT\"\n\n"
      "--Apple-Mail=_ALT\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "Content-Type: text/plain; charset=utf-8\n\n" + quopri.encodestring(crlf(plain).encode()).decode() + "\n"
      "--Apple-Mail=_ALT\n"
      "Content-Type: multipart/related; type=\"text/html\"; boundary=\"Apple-Mail=_REL\"\n\n"
      "--Apple-Mail=_REL\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "Content-Type: text/html; charset=utf-8\n\n" + quopri.encodestring(crlf(html).encode()).decode() + "\n"
      "--Apple-Mail=_REL\n"
      "Content-Transfer-Encoding: base64\n"
      "Content-Disposition: inline; filename=logo.jpg\n"
      "Content-Type: image/jpeg; x-unix-mode=0644; name=\"logo.jpg\"\n"
      "Content-Id: <logo@apple>\n\n" + b64(asset("logo.jpg")) + "\n"
      "--Apple-Mail=_REL--\n\n"
      "--Apple-Mail=_ALT--\n\n"
      "--Apple-Mail=_OUTER\n"
      "Content-Disposition: attachment; filename=report.zip\n"
      "Content-Type: application/zip; x-unix-mode=0644; name=\"report.zip\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("report.zip")) + "\n"
      "--Apple-Mail=_OUTER--\n")

# 7. Outlook: related HTML with an inline image and a winmail.dat (TNEF) carrying files.
def tnef_attr(level, aid, data):
    return struct.pack("<BII", level, aid, len(data)) + data + struct.pack("<H", sum(data) & 0xffff)

def tnef(files):
    out = struct.pack("<IH", 0x223E9F78, 0x0101)
    out += tnef_attr(1, 0x00089006, struct.pack("<II", 0x00010000, 0))  # attTnefVersion
    out += tnef_attr(1, 0x00069007, struct.pack("<II", 932, 0))        # attOemCodepage
    out += tnef_attr(1, 0x0001800C, "本文は RTF です".encode("cp932"))  # attBody
    for name, data in files:
        out += tnef_attr(2, 0x00069002, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)  # attAttachRendData
        out += tnef_attr(2, 0x00018010, name.encode("cp932") + b"\x00")          # attAttachTitle
        out += tnef_attr(2, 0x0006800F, data)                                    # attAttachData
    return out

plain = "お疲れ様です。\n会議の写真と資料を送ります。\n"
html = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><meta http-equiv=Content-Type content=\"text/html; charset=iso-2022-jp\">"
        "<style><!-- p.MsoNormal {margin:0mm;} --></style></head><body lang=JA><div class=WordSection1>"
        "<p class=MsoNormal>お疲れ様です。<o:p></o:p></p><p class=MsoNormal>会議の写真と資料を送ります。<o:p></o:p></p>"
        "<p class=MsoNormal><img width=16 height=16 src=\"cid:image001.png@01DA1234.5678\"></p></div></body></html>\n")
winmail = tnef([("議事録.txt", "議事録\r\n出席者：五名\r\n".encode("utf-8")), ("写真.png", asset("red.png"))])
write("outlook-related-tnef.eml",
      HDR.format(mid="TYAPR01MB0007", mailer="Microsoft Outlook 16.0") +
      "From: " + ew("小林 一郎", "iso-2022-jp", "iso2022_jp") + " <kobayashi@example.co.jp>\n"
      "To: " + ew("総務課", "iso-2022-jp", "iso2022_jp") + " <soumu@example.lg.jp>\n"
      "Subject: " + ew("会議の写真", "iso-2022-jp", "iso2022_jp") + "\n"
      "Thread-Topic: test\n"
      "Content-Language: ja-JP\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed;\n\tboundary=\"_004_TYAPR01MB_\"\n\n"
      "--_004_TYAPR01MB_\n"
      "Content-Type: multipart/related;\n\tboundary=\"_003_TYAPR01MB_\";\n\ttype=\"multipart/alternative\"\n\n"
      "--_003_TYAPR01MB_\n"
      "Content-Type: multipart/alternative;\n\tboundary=\"_000_TYAPR01MB_\"\n\n"
      "--_000_TYAPR01MB_\n"
      "Content-Type: text/plain; charset=\"iso-2022-jp\"\n"
      "Content-Transfer-Encoding: quoted-printable\n\n" +
      quopri.encodestring(crlf(plain).encode("iso2022_jp")).decode() + "\n"
      "--_000_TYAPR01MB_\n"
      "Content-Type: text/html; charset=\"iso-2022-jp\"\n"
      "Content-Transfer-Encoding: quoted-printable\n\n" +
      quopri.encodestring(crlf(html).encode("iso2022_jp")).decode() + "\n"
      "--_000_TYAPR01MB_--\n\n"
      "--_003_TYAPR01MB_\n"
      "Content-Type: image/png; name=\"image001.png\"\n"
      "Content-Description: image001.png\n"
      "Content-Disposition: inline; filename=\"image001.png\"; size=84;\n"
      "Content-ID: <image001.png@01DA1234.5678>\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("red.png")) + "\n"
      "--_003_TYAPR01MB_--\n\n"
      "--_004_TYAPR01MB_\n"
      "Content-Type: application/ms-tnef; name=\"winmail.dat\"\n"
      "Content-Disposition: attachment; filename=\"winmail.dat\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(winmail) + "\n"
      "--_004_TYAPR01MB_--\n")

# 8. A forward nested three deep, with attachments at each level.
def simple(mid, frm, subj, text, att=None):
    s = ("From: " + frm + "\n"
         "To: someone@example.lg.jp\n"
         "Subject: " + ew(subj, "UTF-8", "utf-8") + "\n"
         "Date: Sun, 15 Nov 2026 10:00:00 +0900\n"
         "Message-ID: <" + mid + ">\n"
         "MIME-Version: 1.0\n")
    return s, text

inner3 = ("From: origin@example.com\nTo: a@example.com\nSubject: " + ew("元の報告", "UTF-8", "utf-8") + "\n"
          "Date: Fri, 13 Nov 2026 08:00:00 +0900\nMessage-ID: <lvl3@example.com>\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=\"L3\"\n\n--L3\n"
          "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
          "三段目の本文です。\n--L3\n"
          "Content-Type: image/png; name=\"a.png\"\nContent-Disposition: attachment; filename=\"a.png\"\n"
          "Content-Transfer-Encoding: base64\n\n" + b64(asset("red.png")) + "\n--L3--\n")
inner2 = ("From: second@example.com\nTo: b@example.com\nSubject: Fwd: " + ew("元の報告", "UTF-8", "utf-8") + "\n"
          "Date: Sat, 14 Nov 2026 09:00:00 +0900\nMessage-ID: <lvl2@example.com>\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=\"L2\"\n\n--L2\n"
          "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
          "二段目の本文です。\n--L2\n"
          "Content-Type: application/zip; name=\"report.zip\"\nContent-Disposition: attachment; filename=\"report.zip\"\n"
          "Content-Transfer-Encoding: base64\n\n" + b64(asset("report.zip")) + "\n--L2\n"
          "Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"level3.eml\"\n\n" + inner3 + "\n--L2--\n")
inner1 = ("From: third@example.com\nTo: c@example.com\nSubject: Fwd: Fwd: " + ew("元の報告", "UTF-8", "utf-8") + "\n"
          "Date: Sun, 15 Nov 2026 10:00:00 +0900\nMessage-ID: <lvl1@example.com>\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=\"L1\"\n\n--L1\n"
          "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
          "一段目の本文です。\n--L1\n"
          "Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"level2.eml\"\n\n" + inner2 + "\n--L1--\n")
top = (HDR.format(mid="fwd-0008", mailer="Sylpheed 3.7") +
       "From: forwarder@example.com\nTo: d@example.lg.jp\nSubject: Fwd: Fwd: Fwd: " + ew("元の報告", "UTF-8", "utf-8") + "\n"
       "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"L0\"\n\n--L0\n"
       "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
       "転送します。\n--L0\n"
       "Content-Type: text/plain; charset=utf-8; name=\"memo.txt\"\nContent-Disposition: attachment; filename=\"memo.txt\"\n"
       "Content-Transfer-Encoding: base64\n\n" + b64("メモ：三段の転送\n".encode()) + "\n--L0\n"
       "Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"level1.eml\"\n\n" + inner1 + "\n--L0--\n")
write("forward-nested-3.eml", crlf(top).encode("utf-8"))

# 9. Outlook calendar invitation: plain + HTML + text/calendar, and the .ics attached.
ics = ("BEGIN:VCALENDAR\nMETHOD:REQUEST\nPRODID:Microsoft Exchange Server 2016\nVERSION:2.0\n"
       "BEGIN:VEVENT\nORGANIZER;CN=" + "中村 部長" + ":mailto:nakamura@example.co.jp\n"
       "ATTENDEE;ROLE=REQ-PARTICIPANT;CN=" + "総務課" + ":mailto:soumu@example.lg.jp\n"
       "DESCRIPTION;LANGUAGE=ja-JP:来年度予算の打合せです。\\n資料は当日配布します。\n"
       "SUMMARY;LANGUAGE=ja-JP:予算打合せ\n"
       "DTSTART;TZID=Tokyo Standard Time:20261201T140000\nDTEND;TZID=Tokyo Standard Time:20261201T150000\n"
       "LOCATION;LANGUAGE=ja-JP:第二会議室\nUID:040000008200E00074C5B7101A82E008\nEND:VEVENT\nEND:VCALENDAR\n")
write("calendar-invite.eml",
      HDR.format(mid="cal-0009", mailer="Microsoft Outlook 16.0") +
      "From: " + ew("中村 部長", "utf-8", "utf-8") + " <nakamura@example.co.jp>\n"
      "To: soumu@example.lg.jp\n"
      "Subject: " + ew("予算打合せ", "utf-8", "utf-8") + "\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/alternative; boundary=\"_000_CAL_\"\n\n"
      "--_000_CAL_\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n" +
      b64(crlf("予算打合せへのご招待です。\n").encode()) + "\n"
      "--_000_CAL_\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n" +
      b64(crlf("<html><body><p>予算打合せへのご招待です。</p></body></html>\n").encode()) + "\n"
      "--_000_CAL_\nContent-Type: text/calendar; charset=\"utf-8\"; method=REQUEST\nContent-Transfer-Encoding: base64\n\n" +
      b64(crlf(ics).encode()) + "\n--_000_CAL_--\n")

# 10. Empty body and headers only.
write("empty-body.eml", HDR.format(mid="empty-0010", mailer="mutt") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: empty\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=us-ascii\n\n")
write("headers-only.eml", "From: a@example.com\nTo: b@example.lg.jp\nSubject: headers only\n"
      "Date: Mon, 16 Nov 2026 09:12:00 +0900\nMessage-ID: <hdr-0011@example.com>\n")

# 11. Plain UTF-8 mail that needs nothing: the clean case.
write("plain-utf8-clean.eml",
      "From: " + ew("高橋", "UTF-8", "utf-8") + " <takahashi@example.lg.jp>\nTo: b@example.lg.jp\n"
      "Subject: " + ew("明日の予定", "UTF-8", "utf-8") + "\nDate: Mon, 16 Nov 2026 09:12:00 +0900\n"
      "Message-ID: <clean-0012@example.lg.jp>\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
      b64("明日は午前十時に出発します。\n".encode()) + "\n")

# 12. Filenames: RFC 2231 continued UTF-8, RFC 2231 in ISO-2022-JP and Shift_JIS (go-message
#     returns those empty), raw 8-bit Shift_JIS, and an encoded-word name.
def pct(b):
    return "".join("%%%02X" % c for c in b)
longname = "令和八年度_予算要求資料_最終版.txt".encode("utf-8")
p1, p2 = pct(longname[:30]), pct(longname[30:])
att = lambda hdr, data: ("--B12\n" + hdr + "Content-Transfer-Encoding: base64\n\n" + b64(data) + "\n")
msg = (HDR.format(mid="names-0013", mailer="various") +
       "From: names@example.com\nTo: b@example.lg.jp\nSubject: " + ew("ファイル名のテスト", "UTF-8", "utf-8") + "\n"
       "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B12\n\n"
       "--B12\nContent-Type: text/plain; charset=us-ascii\n\nfilename test\n" +
       att("Content-Type: text/plain; charset=utf-8\nContent-Disposition: attachment;\n filename*0*=UTF-8''" + p1 + ";\n filename*1*=" + p2 + "\n", "予算要求\n".encode()) +
       att("Content-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename*=ISO-2022-JP''" + pct("議事録.txt".encode("iso2022_jp")) + "\n", "議事録\n".encode()) +
       att("Content-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename*=shift_jis'ja'" + pct("①名簿.txt".encode("cp932")) + "\n", "名簿\n".encode()) +
       att("Content-Type: text/csv; name=\"" + ew("集計表.csv", "ISO-2022-JP", "iso2022_jp") + "\"\nContent-Disposition: attachment\n", "地区,人数\n北,12\n".encode()))
raw_sjis = ("--B12\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=\"").encode() + \
           "報告書.txt".encode("cp932") + b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("報告\n".encode()).encode() + b"\r\n--B12--\r\n"
write("attachment-names-jp.eml", crlf(msg).encode("ascii") + raw_sjis)

# 13. Embedded uuencode and BinHex blocks in a text body.
import binascii
uu = "begin 644 invoice.pdf\n"
data = asset("invoice.pdf")
for i in range(0, len(data), 45):
    uu += binascii.b2a_uu(data[i:i+45]).decode()
uu += "`\nend\n"
write("uuencode-binhex-body.eml",
      HDR.format(mid="uu-0014", mailer="Eudora 7.1") +
      "From: old@example.com\nTo: b@example.lg.jp\nSubject: files in the body\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=us-ascii\n\n"
      "Here is the invoice:\n\n" + uu + "\nand a Mac file:\n\n"
      "(This file must be converted with BinHex 4.0)\n"
      ":$f*TEQKPH#jdCA0d,R4iG!\"849K8!*!%&I%!N!3\"6%!!!!!!!!!!!:\n\nbye\n")

# 14. A text/plain part that is really a Windows executable.
pe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + struct.pack("<I", 64) + \
     b"PE\x00\x00\x4c\x01\x01\x00" + b"\x00" * 200
write("exe-as-text.eml",
      HDR.format(mid="exe-0015", mailer="x") +
      "From: bad@example.com\nTo: b@example.lg.jp\nSubject: invoice\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: text/plain; charset=us-ascii\n\nsee below\n"
      "--X\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + b64(pe) + "\n--X--\n")

# 15. Ambiguities. The output is rebuilt from one reading (the RFC's, or the common MTAs'
#     where the RFC is silent), so every one of these is delivered: repaired with a report
#     (repair-*), and, where another reader would see a file this reading does not, with the
#     original held as well (hold-*). Only what is no message at all is refused (bad-*).
base = HDR.format(mid="amb", mailer="x") + "From: a@example.com\nTo: b@example.lg.jp\nSubject: ambiguity\nMIME-Version: 1.0\n"
write("repair-duplicate-content-type.eml", base +
      "Content-Type: text/plain; charset=us-ascii\nContent-Type: text/html; charset=us-ascii\n\n<b>hi</b>\n")
write("repair-conflicting-boundaries.eml", base +
      "Content-Type: multipart/mixed; boundary=AAA\nContent-Type: multipart/mixed; boundary=BBB\n\n"
      "--AAA\n\nfirst\n--BBB\n\nsecond\n--BBB--\n--AAA--\n")
write("repair-duplicate-identical-cte.eml", base +
      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\nContent-Transfer-Encoding: base64\n\n" +
      b64("同じ指定が二回あります。\n".encode()) + "\n")
write("repair-duplicate-cte.eml", base +
      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\nContent-Transfer-Encoding: quoted-printable\n\n" +
      b64("読み方が二通りあります。\n".encode()) + "\n")
write("repair-boundary-prefix.eml", base +
      "Content-Type: multipart/mixed; boundary=\"abc\"\n\n--abc\n"
      "Content-Type: multipart/alternative; boundary=\"abcdef\"\n\n--abcdef\nContent-Type: text/plain\n\nhidden?\n--abcdef--\n--abc--\n")
write("repair-missing-boundary-param.eml", base +
      "Content-Type: multipart/mixed\n\n--recoverable\nContent-Type: text/plain; charset=us-ascii\n\nthe only boundary in the body\n--recoverable--\n")
write("repair-missing-boundary.eml", base +
      "Content-Type: multipart/mixed; boundary=\"nothere\"\n\n--other\nContent-Type: text/plain\n\ntext\n--other--\n")
write("repair-text-after-close.eml", base +
      "Content-Type: multipart/mixed; boundary=\"E\"\n\n--E\nContent-Type: text/plain; charset=us-ascii\n\nvisible\n--E--\n"
      "text after the closing boundary\n")
write("repair-part-without-headers.eml", base +
      "Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\nthis part has no header block\nit starts with text\n--P--\n")
write("repair-part-empty-header.eml", base +
      "Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\n\nthis part has an empty header: text/plain by default\n--P--\n")
write("repair-nul-in-header.eml", (base.replace("Subject: ambiguity", "Subject: nul\x00hidden") +
      "Content-Type: text/plain\n\nbody\n"))
write("repair-nul-in-body.eml", base + "Content-Type: text/plain; charset=us-ascii\n\nvisible\x00hidden after NUL\n")
write("repair-raw-8bit-subject.eml",
      (base.replace("Subject: ambiguity\n", "")).replace("\n", "\r\n").encode() + b"Subject: " +
      "【重要】会議室の変更".encode("cp932") + b"\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nroom changed\r\n")
write("hold-base64-garbage.eml", base +
      "Content-Type: multipart/mixed; boundary=G\n\n--G\nContent-Type: text/plain\n\nsee attachment\n--G\n"
      "Content-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n"
      "JVBERi0xLjQK!!garbage!!JSVFT0YK\n--G--\n")
write("repair-base64-no-padding.eml", base +
      "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
      base64.b64encode("パディングなし".encode()).decode().rstrip("=") + "\n")
write("repair-name-filename-disagree.eml", base +
      "Content-Type: multipart/mixed; boundary=N\n\n--N\nContent-Type: text/plain\n\nsee attachment\n--N\n"
      "Content-Type: application/pdf; name=\"invoice.pdf\"\nContent-Disposition: attachment; filename=\"invoice.pdf.exe\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("invoice.pdf")) + "\n--N--\n")
write("repair-name-blocked-filename-not.eml", base +
      "Content-Type: multipart/mixed; boundary=N\n\n--N\nContent-Type: text/plain\n\nsee attachment\n--N\n"
      "Content-Type: application/pdf; name=\"invoice.pdf.exe\"\nContent-Disposition: attachment; filename=\"invoice.pdf\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("invoice.pdf")) + "\n--N--\n")
write("repair-garbage-header-line.eml", base.replace("Subject: ambiguity\n", "Subject: ambiguity\nthis is not a header\n") +
      "Content-Type: text/plain\n\nbody\n")
write("repair-unknown-cte-top.eml", base + "Content-Type: text/plain\nContent-Transfer-Encoding: x-gzip64\n\nH4sIAAAAAAAA\n")
write("repair-unknown-cte-attachment.eml", base +
      "Content-Type: multipart/mixed; boundary=U\n\n--U\nContent-Type: text/plain; charset=us-ascii\n\nthe attachment is opaque\n--U\n"
      "Content-Type: application/octet-stream; name=\"data.bin\"\nContent-Transfer-Encoding: x-gzip64\n\n"
      "H4sIAAAAAAAA\n--U--\n")
write("repair-uuencode-cte.eml", base +
      "Content-Type: multipart/mixed; boundary=U\n\n--U\nContent-Type: text/plain; charset=us-ascii\n\nEudora sends files this way\n--U\n"
      "Content-Type: text/plain; name=\"data.txt\"\nContent-Disposition: attachment; filename=\"data.txt\"\n"
      "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 data.txt\n#86)C\n`\nend\n--U--\n")
write("repair-whitespace-line-in-header.eml", base.replace("Subject: ambiguity\n", "Subject: folded over\n \n a whitespace-only line\n") +
      "Content-Type: text/plain; charset=us-ascii\n\nobsolete folding white space (RFC 5322 section 4.2)\n")
write("repair-similar-boundaries.eml", base +
      "Content-Type: multipart/mixed; boundary=\"----=_NextPart_000_0001\"\n\n"
      "------=_NextPart_000_0001\nContent-Type: multipart/alternative; boundary=\"----=_NextPart_000_0001_alt\"\n\n"
      "------=_NextPart_000_0001_alt\nContent-Type: text/plain; charset=us-ascii\n\nplain text\n"
      "------=_NextPart_000_0001_alt\nContent-Type: text/html; charset=us-ascii\n\n<p>html text</p>\n"
      "------=_NextPart_000_0001_alt--\n\n------=_NextPart_000_0001\n"
      "Content-Type: application/pdf; name=\"a.pdf\"\nContent-Disposition: attachment; filename=\"a.pdf\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("invoice.pdf")) + "\n------=_NextPart_000_0001--\n")
zipb64 = b64(asset("report.zip"))
write("hold-boundary-prefix.eml", base +
      "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain; charset=us-ascii\n\nnothing to see\n"
      "--Bhidden\nContent-Type: application/zip; name=\"hidden.zip\"\nContent-Transfer-Encoding: base64\n\n" +
      zipb64 + "\n--B--\n")
write("hold-epilogue-parts.eml", base +
      "Content-Type: multipart/mixed; boundary=\"E\"\n\n--E\nContent-Type: text/plain; charset=us-ascii\n\nvisible\n--E--\n"
      "--E\nContent-Type: application/zip; name=\"after.zip\"\nContent-Transfer-Encoding: base64\n\n" + zipb64 + "\n--E--\n")
write("hold-folded-content-type.eml", base +
      "X-Note: folded\n Content-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: text/plain; charset=us-ascii\n\ntext\n"
      "--F\nContent-Type: application/zip; name=\"folded.zip\"\nContent-Transfer-Encoding: base64\n\n" + zipb64 + "\n--F--\n")
write("hold-duplicate-boundary.eml", base +
      "Content-Type: multipart/mixed; boundary=\"A\"; boundary=\"Z\"\n\n--A\nContent-Type: text/plain; charset=us-ascii\n\nfirst reading\n--A--\n"
      "--Z\nContent-Type: application/zip; name=\"second.zip\"\nContent-Transfer-Encoding: base64\n\n" + zipb64 + "\n--Z--\n")
write("hold-space-in-boundary.eml", base +
      "Content-Type: multipart/mixed; boundary=\" S\"\n\n--S\nContent-Type: text/plain; charset=us-ascii\n\ntext\n"
      "--S\nContent-Type: application/zip; name=\"spaced.zip\"\nContent-Transfer-Encoding: base64\n\n" + zipb64 + "\n--S--\n")
write("hold-encoded-multipart.eml", base +
      "Content-Type: multipart/mixed; boundary=\"M\"\nContent-Transfer-Encoding: base64\n\n" +
      b64(("--M\r\nContent-Type: text/plain\r\n\r\ninside\r\n--M\r\nContent-Type: application/zip; name=\"enc.zip\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" + zipb64 + "\r\n--M--\r\n").encode()) + "\n")
write("bad-not-a-message.eml", b"\x00\x01binary data that has no header at all\r\n\r\n")

# 15b. Headers that do not parse as the RFC wants, and names that hide their extension.
write("headers-odd.eml",
      HDR.format(mid="odd-0020", mailer="x") +
      "From: me\n"
      "To: A Group(Some people)\n     :Chris Jones <c@(Chris's host.)public.example>,\n"
      "         joe@example.org,\n  John <jdoe@one.test> (my dear friend); (the end of the group)\n"
      "Cc:(Empty list)(start)Undisclosed recipients  :(nobody(that I know))  ;\n"
      "Reply-To: Big Bug bb@bug.com\n"
      "Subject: " + ew("請求書\u202etxt.exe", "UTF-8") + "\n"
      "Subject: a second, different subject\n"
      "Cc: " + ew("経理\u200b部", "UTF-8") + " <keiri@example.co.jp>\n"
      "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"
      "RFC 2822 appendix A.5 addresses, a From without an address, two Subjects.\n")
write("rfc822-comment-name.eml",
      HDR.format(mid="odd-0021", mailer="x") +
      "From: jdoe@example.com (John Doe)\nTo: Pete(A wonderful \\) chap) <pete(his account)@silly.test(his host)>\n"
      "Subject: old-style names\nContent-Type: text/plain; charset=us-ascii\n\nbody\n")
rlo = "invoice\u202efdp.exe"
write("bidi-filename.eml",
      HDR.format(mid="bidi-0022", mailer="x") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: names\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=N\n\n--N\nContent-Type: text/plain\n\ntwo files\n"
      "--N\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''" + pct(rlo.encode()) + "\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("invoice.pdf")) + "\n"
      "--N\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''" + pct("報告\u200b書.pdf".encode()) + "\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(asset("invoice.pdf")) + "\n--N--\n")
write("empty-attachment.eml",
      HDR.format(mid="empty-0023", mailer="x") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: empty files\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=E\n\n--E\nContent-Type: text/plain; charset=us-ascii\n\ntwo empty files\n"
      "--E\nContent-Type: text/plain; name=\"empty.txt\"\nContent-Disposition: attachment; filename=\"empty.txt\"\n"
      "Content-Transfer-Encoding: base64\n\n\n"
      "--E\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename*=UTF-8''" + pct("空のファイル.dat".encode()) + "\n\n"
      "--E--\n")
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w", zipfile.ZIP_DEFLATED) as z:
    for n, data in (("readme.txt", b"install notes\n"), ("setup.exe", b"MZ" + b"\x00" * 62 + b"PE\x00\x00"),
                     ("docs/run.bat", b"@echo off\r\n")):
        zi = zipfile.ZipInfo(n, (2026, 11, 16, 9, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
write("archive-with-exe.eml",
      HDR.format(mid="zip-0024", mailer="x") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: tools\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=Z\n\n--Z\nContent-Type: text/plain; charset=us-ascii\n\nthe installer\n"
      "--Z\nContent-Type: application/zip; name=\"tools.zip\"\nContent-Disposition: attachment; filename=\"tools.zip\"\n"
      "Content-Transfer-Encoding: base64\n\n" + b64(zb.getvalue()) + "\n--Z--\n")

# 16. Office and PDF attachments through the real families: a macro-enabled document made
#     from the OOXML corpus (the same edits as sanitize/ooxml's tests), a PDF, a zip and an
#     executable named like a document.
import zipfile, io
MSREL = "http://schemas.microsoft.com/office/2006/relationships/"
FAKEVBA = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00Attribute VB_Name = \"ThisDocument\"\n"
           b"Sub AutoOpen()\nShell \"calc.exe\"\nEnd Sub\n")
def make_docm():
    src = zipfile.ZipFile("../ooxml/report.docx")
    out = io.BytesIO()
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename == "[Content_Types].xml":
            data = data.replace(b"wordprocessingml.document.main+xml", b"PLACEHOLDER")
            data = data.replace(b"application/vnd.openxmlformats-officedocument.PLACEHOLDER",
                                b"application/vnd.ms-word.document.macroEnabled.main+xml")
            data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        if info.filename == "word/_rels/document.xml.rels":
            data = data.replace(b"</Relationships>", ('<Relationship Id="rId90" Type="' + MSREL +
                                'vbaProject" Target="vbaProject.bin"/></Relationships>').encode())
        zi = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
    zi = zipfile.ZipInfo("word/vbaProject.bin", date_time=(2026, 11, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(zi, FAKEVBA)
    z.close()
    return out.getvalue()

docm = make_docm()
with open("assets/請求書.docm", "wb") as f:
    f.write(docm)
msg = (HDR.format(mid="office-0016", mailer="Microsoft Outlook 16.0") +
       "From: " + ew("経理部", "UTF-8", "utf-8") + " <keiri@example.co.jp>\nTo: b@example.lg.jp\n"
       "Subject: " + ew("請求書の送付（十一月分）", "UTF-8", "utf-8") + "\nMIME-Version: 1.0\n"
       "Content-Type: multipart/mixed; boundary=\"OFFICE\"\n\n--OFFICE\n"
       "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
       b64(crlf("請求書を添付します。マクロを有効にしてご覧ください。\n").encode()) + "\n")
for fname, ctype, data in [("請求書.docm", "application/vnd.ms-word.document.macroEnabled.12", docm),
                           ("invoice.pdf", "application/pdf", asset("invoice.pdf")),
                           ("report.zip", "application/zip", asset("report.zip")),
                           ("請求書.pdf.exe", "application/octet-stream", pe)]:
    msg += ("--OFFICE\nContent-Type: " + ctype + "; name*=UTF-8''" + pct(fname.encode()) + "\n"
            "Content-Disposition: attachment; filename*=UTF-8''" + pct(fname.encode()) + "\n"
            "Content-Transfer-Encoding: base64\n\n" + b64(data) + "\n")
msg += "--OFFICE--\n"
write("office-attachments.eml", msg)

# Benchmark inputs (bench/, not part of the golden corpus).
os.makedirs("bench", exist_ok=True)
line = "本日は晴天なり。市役所の窓口は午前八時半から午後五時十五分まで開いています。\n"
text = ""
while len(crlf(text + line).encode("iso2022_jp")) < 3900:
    text += line
write("bench/text-4k.eml", HDR.format(mid="bench-text", mailer="x") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: " + ew("お知らせ", "UTF-8", "utf-8") + "\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n" +
      crlf(text).encode("iso2022_jp").decode("ascii"))
rows = "".join("<tr><td>%d</td><td>第%d回 市民講座「防災と地域のつながり」</td><td><a href=\"https://example.jp/k/%d\">詳細</a></td></tr>\n" % (i, i, i) for i in range(1, 400))
html = "<html><body><h1>講座一覧</h1><table>\n" + rows + "</table><p>お問い合わせは窓口まで。</p></body></html>\n"
html = html[:50 * 1024]
write("bench/html-50k.eml", (HDR.format(mid="bench-html", mailer="x") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: " + ew("講座一覧", "UTF-8", "utf-8") + "\nMIME-Version: 1.0\n"
      "Content-Type: text/html; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n").replace("\n", "\r\n").encode() +
      crlf(html).encode("cp932", errors="replace"))
big = (HDR.format(mid="bench-big", mailer="x") +
       "From: a@example.com\nTo: b@example.lg.jp\nSubject: " + ew("スキャン資料と報告書", "UTF-8", "utf-8") + "\nMIME-Version: 1.0\n"
       "Content-Type: multipart/mixed; boundary=\"BIG5\"\n\n--BIG5\nContent-Type: text/plain; charset=utf-8\n"
       "Content-Transfer-Encoding: 8bit\n\n").encode() + "スキャンした資料と報告書を送ります。\r\n".encode() + (
       "--BIG5\nContent-Type: application/pdf; name=scan.pdf\nContent-Disposition: attachment; filename=scan.pdf\n"
       "Content-Transfer-Encoding: base64\n\n" + b64(asset("scan.pdf")) + "\n"
       "--BIG5\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=report.docx\n"
       "Content-Disposition: attachment; filename=report.docx\nContent-Transfer-Encoding: base64\n\n" +
       b64(open("../ooxml/report.docx", "rb").read()) + "\n--BIG5--\n").replace("\n", "\r\n").encode()
write("bench/pdf-docx-5m.eml", big)

# 17. A delivery status notification (multipart/report) with the returned headers, and a
#     contact card sent inline.
write("dsn-report.eml",
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.lg.jp>\nTo: sender@example.lg.jp\n"
      "Subject: Undelivered Mail Returned to Sender\nDate: Mon, 16 Nov 2026 09:20:00 +0900\n"
      "Message-ID: <dsn-0017@mx.example.lg.jp>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"DSN17\"\n\n"
      "--DSN17\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n"
      "This is the mail system at host mx.example.lg.jp.\n\nI'm sorry to have to inform you that your message could not\n"
      "be delivered to one or more recipients.\n\n<nobody@example.lg.jp>: user unknown\n\n"
      "--DSN17\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.lg.jp\nArrival-Date: Mon, 16 Nov 2026 09:19:58 +0900\n\n"
      "Final-Recipient: rfc822; nobody@example.lg.jp\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n"
      "--DSN17\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n"
      "From: sender@example.lg.jp\nTo: nobody@example.lg.jp\nSubject: " + ew("会議のご案内", "UTF-8", "utf-8") + "\n"
      "Message-ID: <orig-17@example.lg.jp>\n\n--DSN17--\n")
write("vcard-inline.eml", crlf(
      HDR.format(mid="vcard-0018", mailer="iPhone Mail") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: " + ew("連絡先", "UTF-8", "utf-8") + "\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=VC\n\n--VC\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
      "連絡先を送ります。\n--VC\nContent-Type: text/vcard; charset=utf-8\nContent-Disposition: inline\nContent-Transfer-Encoding: 8bit\n\n"
      "BEGIN:VCARD\nVERSION:3.0\nFN:山田 太郎\nORG:サンプル市役所\nTEL;TYPE=WORK:03-1234-5678\nEMAIL:yamada@example.lg.jp\nEND:VCARD\n--VC--\n").encode("utf-8"))

# 18. A yEnc block (the Usenet binary encoding, 8-bit) in a text body, as a newsreader
#     posting to a mailing list writes it: the file is taken out and the original held.
def yenc(name, data, line=128):
    out, col = bytearray(b"=ybegin line=%d size=%d name=%s\r\n" % (line, len(data), name.encode())), 0
    for c in data:
        o = (c + 42) % 256
        if o in (0, 10, 13, 61) or (col == 0 and o in (9, 32, 46)):
            out += bytes([61, (o + 64) % 256])
            col += 2
        else:
            out.append(o)
            col += 1
        if col >= line:
            out += b"\r\n"
            col = 0
    if col:
        out += b"\r\n"
    return bytes(out) + b"=yend size=%d crc32=%08x\r\n" % (len(data), binascii.crc32(data))
write("hold-yenc-body.eml", crlf(
      HDR.format(mid="yenc-0019", mailer="40tude_Dialog/2.0.15.1") +
      "From: a@example.com\nTo: list@example.lg.jp\nSubject: report\nMIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
      "The report, yEnc-encoded:\n\n").encode("ascii") + yenc("report.zip", asset("report.zip")) + b"\r\nbye\r\n")

# 19. Header values in mixed case with odd white space, as hand-rolled mailers write them:
#     every name and token is case-insensitive (RFC 2045 §5.1, RFC 2183) and white space
#     may sit between the tokens of a structured field.
write("headers-case-whitespace.eml", crlf(
      HDR.format(mid="case-0020", mailer="MyMailer 0.1") +
      "From: a@example.com\nTo: b@example.lg.jp\nSubject: " + ew("見積書の送付", "UTF-8", "utf-8") + "\nMIME-VERSION: 1.0\n"
      "CONTENT-TYPE:   MULTIPART/Mixed ;\n\tBOUNDARY = \"CaseB\"\ncontent-transfer-encoding: 7BIT\n\n"
      "--CaseB\nContent-type: Text/Plain;Charset=\"UTF-8\"\nCONTENT-TRANSFER-ENCODING:   Base64   \n\n" +
      b64("見積書を送ります。\n".encode()) + "\n"
      "--CaseB\nContent-Type: Application/PDF; Name = \"invoice.pdf\"\n"
      "Content-Disposition:ATTACHMENT ;FileName= \"invoice.pdf\"\nContent-Transfer-Encoding: BASE64\n\n" +
      b64(asset("invoice.pdf")) + "\n--CaseB--\n"))
