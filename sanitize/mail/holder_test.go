package mail

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sekisho/sekisho/quarantine"
	"github.com/sekisho/sekisho/quarantine/sqlite"
	"github.com/sekisho/sekisho/sanitize"
)

// storeHolder puts quarantined parts into the real embedded quarantine store.
type storeHolder struct{ s *quarantine.Service }

func (h storeHolder) Hold(ctx context.Context, part *sanitize.Item, res sanitize.Result) (string, error) {
	rec, err := h.s.Put(ctx, quarantine.Record{Kind: quarantine.KindAttachment, Direction: quarantine.Inbound, FileName: part.Name,
		DeclaredType: part.DeclaredType, DetectedType: res.Detected.MIME, Reason: res.Reason}, part.Reader(), "test")
	return rec.ID, err
}

// newStore opens a real quarantine service (the embedded backend) in a temp dir.
func newStore(t *testing.T) *quarantine.Service {
	t.Helper()
	b, err := sqlite.Open(sqlite.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	store, err := quarantine.New(b, quarantine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// held lists every record in the store.
func held(t *testing.T, store *quarantine.Service) []quarantine.Record {
	t.Helper()
	page, err := store.Search(context.Background(), quarantine.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return page.Records
}

// TestHolder: a quarantined attachment is stored with its original bytes and the notice
// shows the quarantine ID.
func TestHolder(t *testing.T) {
	store := newStore(t)
	_, s := testEnginePolicy(t, Options{Holder: storeHolder{store}, ReleaseContact: "情報政策課 (内線 1234)"}, map[string]sanitize.PolicyAction{"pdf": sanitize.Quarantine})
	out, res, err := run(t, s, readCorpus(t, "gmail-alternative-pdf.eml"))
	if err != nil {
		t.Fatal(err)
	}
	recs := held(t, store)
	if len(recs) != 1 {
		t.Fatalf("store holds %d items, want 1", len(recs))
	}
	if recs[0].FileName != "見積書.pdf" {
		t.Errorf("held file name = %q, want 見積書.pdf", recs[0].FileName)
	}
	rc, err := store.Open(context.Background(), recs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if want := readCorpus(t, "assets/invoice.pdf"); !bytes.Equal(got, want) {
		t.Errorf("held bytes differ from the original attachment (%d vs %d bytes)", len(got), len(want))
	}
	p, err := parseIndependent(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"・見積書.pdf（PDF 文書）: 保管しました。理由: この形式は保管する設定になっています\n",
		"　　保管番号 " + recs[0].ID + "。受け取りを希望する場合は、情報政策課 (内線 1234)に保管番号をお伝えください。\n",
		"- 見積書.pdf (pdf): held in quarantine: this type is held by the gateway's policy\n",
		"    Held as " + recs[0].ID + ". To receive it, give this ID to 情報政策課 (内線 1234).\n",
	} {
		if !strings.Contains(p.text, want) {
			t.Errorf("notice lacks %q:\n%s", want, p.text)
		}
	}
	if want := recs[0].ID; !strings.Contains(p.text, want) {
		t.Errorf("notice lacks %q:\n%s", want, p.text)
	}
	if len(p.atts) != 0 {
		t.Errorf("quarantined attachment still attached: %v", p.atts[0].name)
	}
	found := false
	for _, a := range res.Actions {
		found = found || a.Kind == sanitize.ActQuarantined && strings.HasSuffix(a.Path, "見積書.pdf")
	}
	if !found {
		t.Errorf("no quarantined action for the PDF in %+v", res.Actions)
	}
}
