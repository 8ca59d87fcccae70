// Package csvcheck holds the independent checks the SYLK and Office 2003 XML tests run on
// their CSV output: a strict parse with encoding/csv, and LibreOffice's own CSV import,
// which evaluates cells that start with "=" as formulas unless they are neutralized.
package csvcheck

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sekisho/sekisho/internal/testtool"
	"github.com/sekisho/sekisho/sanitize/sylk/internal/csvout"
)

// NoFormulas parses out strictly and fails on any cell that starts like a formula, except
// plain numbers.
func NoFormulas(out []byte) error {
	body, ok := bytes.CutPrefix(out, []byte(csvout.BOM))
	if !ok {
		return fmt.Errorf("output does not start with a UTF-8 BOM")
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("output is not CSV: %w", err)
	}
	for i, rec := range recs {
		for j, c := range rec {
			if c != "" && strings.ContainsAny(c[:1], "=+-@\t\r") && !csvout.IsNumber(c) {
				return fmt.Errorf("row %d column %d starts like a formula: %q", i+1, j+1, c)
			}
			if strings.HasPrefix(c, "＝") {
				return fmt.Errorf("row %d column %d starts with a full-width =: %q", i+1, j+1, c)
			}
		}
	}
	return nil
}

var formulaAttr = regexp.MustCompile(`table:formula="[^"]*"`)

// LibreOfficeFormulas imports each CSV file with LibreOffice (UTF-8, comma-separated, the
// defaults a user gets) and returns, per file, the formulas LibreOffice found in it and
// the text of the sheet as flat ODS XML.
func LibreOfficeFormulas(t *testing.T, files []string) map[string][]string {
	t.Helper()
	soffice := testtool.Need(t, "soffice")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--infilter=CSV:44,34,76", "--convert-to", "fods", "--outdir", dir}, files...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	res := map[string][]string{}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		b, err := os.ReadFile(filepath.Join(dir, base+".fods"))
		if err != nil {
			t.Fatalf("LibreOffice did not import %s: %v", f, err)
		}
		res[f] = append(formulaAttr.FindAllString(string(b), -1), "") // the last element is the document
		res[f][len(res[f])-1] = string(b)
	}
	return res
}
