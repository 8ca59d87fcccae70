package smtp

import (
	gosmtp "github.com/emersion/go-smtp"
)

// Replies the server gives. They are returned bare: go-smtp finds the code by type
// assertion, so a wrapped *SMTPError would degrade to 554. Client-facing text stays generic;
// the log has the detail.
var (
	errRelayDenied      = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "relay access denied"}
	errLocalPartRouting = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 3}, Message: "bad recipient address syntax: @, % or ! in the local part is not accepted"}
	errBadAddress       = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 3}, Message: "bad recipient address syntax"}
	errTooBig           = &gosmtp.SMTPError{Code: 552, EnhancedCode: gosmtp.EnhancedCode{5, 3, 4}, Message: "message size exceeds fixed limit"}
	errSpoolFull        = &gosmtp.SMTPError{Code: 452, EnhancedCode: gosmtp.EnhancedCode{4, 3, 1}, Message: "insufficient system storage, try again later"}
	errBareLineEnding   = &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: "message contains bare CR or LF, refused (SMTP smuggling protection)"}
	errTimeout          = &gosmtp.SMTPError{Code: 421, EnhancedCode: gosmtp.EnhancedCode{4, 4, 2}, Message: "timeout exceeded, closing connection"}
	errNUL              = &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: "message contains NUL characters"}
)

// tempFailure is the reply for any local problem while spooling: the client keeps the
// message and retries; the queue ID lets an operator find the log lines.
func tempFailure(id string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "temporary local problem, try again later (" + id + ")"}
}
