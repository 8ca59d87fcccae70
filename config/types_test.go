package config

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    Size
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "1048576", want: 1 << 20},
		{in: "512B", want: 512},
		{in: "25MiB", want: 25 << 20},
		{in: "25 MiB", want: 25 << 20},
		{in: "25mib", want: 25 << 20},
		{in: "64KiB", want: 64 << 10},
		{in: "1.5GB", want: 1_500_000_000},
		{in: "1.5KiB", want: 1536},
		{in: "2TiB", want: 2 << 40},
		{in: "10kb", want: 10_000},
		{in: "", wantErr: true},
		{in: "MiB", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "1.5B", wantErr: true},
		{in: "12 parsecs", wantErr: true},
		{in: "1..5MB", wantErr: true},
		{in: "99999999999TiB", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseSize(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ParseSize(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestSizeTextRoundTrip(t *testing.T) {
	tests := []struct {
		in   Size
		want string
	}{
		{0, "0"},
		{12, "12"},
		{1 << 10, "1KiB"},
		{100 << 20, "100MiB"},
		{512 << 20, "512MiB"},
		{3 << 30, "3GiB"},
		{1_500_000_000, "1500000000"},
		{1536, "1536"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			b, err := tc.in.MarshalText()
			if err != nil || string(b) != tc.want {
				t.Fatalf("Size(%d).MarshalText() = %q, %v, want %q", tc.in, b, err, tc.want)
			}
			var back Size
			if err := back.UnmarshalText(b); err != nil || back != tc.in {
				t.Errorf("UnmarshalText(%q) = %d, %v, want %d", b, back, err, tc.in)
			}
		})
	}
}

func TestDurationUnmarshalText(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "30s", want: 30 * time.Second},
		{in: "2m", want: 2 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "0", want: 0},
		{in: "30", wantErr: true},
		{in: "soon", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var d Duration
			err := d.UnmarshalText([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("UnmarshalText(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if d.Std() != tc.want {
				t.Errorf("UnmarshalText(%q) = %v, want %v", tc.in, d.Std(), tc.want)
			}
			if err != nil {
				return
			}
			b, _ := d.MarshalText()
			var back Duration
			if err := back.UnmarshalText(b); err != nil || back != d {
				t.Errorf("round trip of %v via %q = %v, %v", d, b, back, err)
			}
		})
	}
}
