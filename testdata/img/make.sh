#!/bin/sh
# Rebuilds the image corpus. Real producers: ImageMagick (/usr/bin/convert, not a stand-in
# earlier on PATH), exiftool, zip; craft.go writes the samples no tool produces on purpose.
# Run from this directory: ./make.sh
set -eu
C=/usr/bin/convert
ICC=/usr/share/color/icc/ghostscript/a98.icc
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# JPEG: a continuous-tone "photo" (plasma fractal, fixed seed).
$C -seed 11 -size 640x480 plasma:fractal -blur 0x1 -quality 90 photo.jpg
$C -seed 12 -size 320x240 plasma:fractal -blur 0x1 -quality 88 photo-exif-gps-orient6.jpg
exiftool -q -overwrite_original -n -Orientation=6 \
  -GPSLatitude=35.6586 -GPSLatitudeRef=N -GPSLongitude=139.7454 -GPSLongitudeRef=E \
  -Make=ExampleCam -Model=X100 -DateTimeOriginal='2026:04:01 09:30:00' \
  -XMP-dc:Creator='Sekisho Test' -Comment='camera comment' "-ICC_Profile<=$ICC" \
  photo-exif-gps-orient6.jpg
$C -seed 13 -size 400x300 plasma:fractal -blur 0x1 -interlace Plane -quality 85 photo-progressive.jpg
$C -seed 14 -size 200x150 plasma:fractal -colorspace Gray -quality 85 gray.jpg
$C -seed 15 -size 200x150 plasma:fractal -colorspace CMYK -quality 85 cmyk.jpg
# Polyglot: a JPEG with a ZIP archive appended (viewers show the photo, unzip finds the archive).
$C -seed 16 -size 160x120 plasma:fractal -quality 85 "$T/p.jpg"
printf 'payload that must not survive\n' > "$T/payload.txt"
(cd "$T" && zip -q -X payload.zip payload.txt)
cat "$T/p.jpg" "$T/payload.zip" > polyglot-zip.jpg

# PNG: graphics as ImageMagick writes them (gAMA, cHRM, bKGD, tIME, tEXt date chunks).
$C logo: -resize 320x240 graphic.png
$C logo: -resize 160x120 -colors 16 -transparent white PNG8:palette.png
$C logo: -resize 160x120 -interlace PNG interlaced.png
$C -size 128x96 gradient:black-white -depth 16 -colorspace Gray gray16.png
$C -size 160x120 radial-gradient:'rgba(255,0,0,1)-rgba(0,0,255,0)' PNG32:rgba.png

# GIF: an animation with a comment, and a still.
$C -delay 15 -loop 0 -dispose none -size 80x60 xc:red \( -size 40x30 xc:lime -repage +20+15 \) \
  \( -size 80x60 gradient:blue-yellow \) -set comment 'gif comment' animated.gif
$C logo: -resize 160x120 static.gif

# WebP: lossy photo, lossless with alpha, one with EXIF/XMP, an animation (unsupported).
$C -seed 17 -size 320x240 plasma:fractal -quality 80 photo.webp
$C -size 160x120 radial-gradient:'rgba(0,128,0,1)-rgba(0,0,0,0)' -define webp:lossless=true alpha-lossless.webp
$C -seed 18 -size 240x160 plasma:fractal -quality 80 photo-exif.webp
exiftool -q -overwrite_original -n -Orientation=8 -GPSLatitude=34.7 -GPSLatitudeRef=N \
  -GPSLongitude=135.5 -GPSLongitudeRef=E -XMP-dc:Creator='Sekisho Test' photo-exif.webp
$C -delay 20 -size 64x48 xc:red xc:green -loop 0 bad-animated.webp

# BMP: 24-bit (BMP3) and 32-bit with alpha (V5 header), and RLE8 which x/image/bmp refuses.
$C logo: -resize 120x90 BMP3:image.bmp
$C -size 64x48 radial-gradient:'rgba(255,0,0,1)-rgba(0,0,255,0)' BMP:alpha.bmp
$C logo: -resize 120x90 -colors 16 -compress RLE BMP3:bad-rle.bmp

# TIFF: LZW RGB with EXIF/GPS tags, 16-bit gray, and a two-page file (refused).
$C -seed 19 -size 160x120 plasma:fractal -depth 8 -compress LZW image.tiff
exiftool -q -overwrite_original -n -GPSLatitude=43.06 -GPSLatitudeRef=N -GPSLongitude=141.35 \
  -GPSLongitudeRef=E -Artist='Sekisho Test' -XMP-dc:Creator='Sekisho Test' image.tiff
$C -size 96x64 gradient:black-white -depth 16 -colorspace Gray -compress Zip gray16.tiff
$C -size 64x48 xc:red xc:blue -compress LZW multipage.tiff

# Crafted: PNG with text chunks, eXIf (orientation 8, GPS) and data after IEND; a PNG header
# claiming 100000x100000 pixels; an APNG (ImageMagick writes APNG only through ffmpeg).
go run craft.go .

# Benchmark inputs, 2 MP each: a photo-like JPEG and a screenshot-like PNG.
$C -seed 7 -size 1600x1200 plasma:fractal -blur 0x2 -quality 85 -sampling-factor 2x2 bench-2mp.jpg
$C -size 1600x1200 xc:white \( logo: -resize 1000x750 \) -geometry +0+0 -composite \
  -fill '#3366cc' -draw 'rectangle 1050,100 1550,700' -fill black -pointsize 28 \
  -draw "text 50,800 'Quarterly report 2026: revenue by region'" \
  -fill '#eeeeee' -draw 'rectangle 50,850 1500,1150' -depth 8 bench-2mp.png

# Truncated copies.
for f in graphic.png photo.jpg animated.gif photo.webp image.bmp image.tiff; do
  ext=${f##*.}
  n=$(($(wc -c < "$f") / 2))
  head -c "$n" "$f" > "bad-truncated.$ext"
done
