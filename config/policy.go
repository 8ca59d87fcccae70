package config

import (
	"slices"
	"strings"
)

// PolicyActions are the values a policy entry may take. They mirror sanitize.PolicyActions
// (a test in internal/assemble keeps the two lists equal; config imports no sekisho
// package).
var PolicyActions = []string{"pass", "sanitize", "convert", "render", "strip", "quarantine", "block"}

func validatePolicy(p *problems, policy map[string]string) {
	for _, k := range sortedKeys(policy) {
		if !slices.Contains(PolicyActions, policy[k]) {
			p.add("policy."+k, policy[k], "must be one of "+strings.Join(PolicyActions, ", "))
		}
	}
}

// UsesRender reports whether any policy entry asks for rendering.
func (c *Config) UsesRender() bool {
	for _, a := range c.Policy {
		if a == "render" {
			return true
		}
	}
	return false
}

// CheckPolicyKeys reports every policy key that known rejects, as
// `policy.<key>: unknown type or class`.
func (c *Config) CheckPolicyKeys(known func(string) bool) error {
	p := &problems{c: c}
	for _, k := range sortedKeys(c.Policy) {
		if !known(k) {
			p.add("policy."+k, "", "unknown type or class")
		}
	}
	return p.err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
