// Package conventions holds no code: its tests check the conventions of the
// whole tree that review would otherwise have to remember, such as every
// package having a doc comment and the pure packages staying free of I/O.
package conventions
