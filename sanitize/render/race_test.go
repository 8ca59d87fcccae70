//go:build race

package render

// raceEnabled: the race detector makes PDFium (WebAssembly run by wazero) several times
// slower, so corpus-wide tests take a share of the corpus under it.
const raceEnabled = true
