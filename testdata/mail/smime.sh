#!/bin/sh
# Writes the S/MIME and PGP/MIME messages of the corpus with the real tools (OpenSSL 3 and
# GnuPG 2); signatures and ciphertexts differ on every run, so the outputs are committed
# and this script only documents how they were made. Run from this directory:
#   sh smime.sh
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 3650 \
  -subj "/CN=Test Signer/emailAddress=signer@example.jp" 2>/dev/null
pdf=$(base64 -w 76 assets/invoice.pdf)
printf 'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n--inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n署名付きのメールです。請求書を添付します。\r\n--inner\r\nContent-Type: application/pdf; name="invoice.pdf"\r\nContent-Disposition: attachment; filename="invoice.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--inner--\r\n' \
  "$(echo "$pdf" | sed 's/$/\r/')" > "$tmp/entity.eml"
hdr="-from signer@example.jp -to staff@example.lg.jp"
openssl smime -sign -in "$tmp/entity.eml" -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" -binary $hdr \
  -subject "S/MIME signed" > smime-signed.eml
openssl smime -sign -nodetach -in "$tmp/entity.eml" -signer "$tmp/cert.pem" -inkey "$tmp/key.pem" -binary $hdr \
  -subject "S/MIME opaque signed" > hold-smime-opaque-signed.eml
openssl smime -encrypt -aes256 -in "$tmp/entity.eml" -binary $hdr -subject "S/MIME encrypted" "$tmp/cert.pem" \
  > hold-smime-encrypted.eml
export GNUPGHOME="$tmp/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "Test Recipient <staff@example.lg.jp>" default default never 2>/dev/null
gpg --batch --quiet --armor --trust-model always -e -r staff@example.lg.jp -o "$tmp/enc.asc" "$tmp/entity.eml"
{
  printf 'From: signer@example.jp\r\nTo: staff@example.lg.jp\r\nSubject: PGP/MIME encrypted\r\nMIME-Version: 1.0\r\n'
  printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="pgp"\r\n\r\n'
  printf -- '--pgp\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n'
  printf -- '--pgp\r\nContent-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n'
  sed 's/$/\r/' "$tmp/enc.asc"
  printf -- '--pgp--\r\n'
} > hold-pgp-encrypted.eml
