package fields_test

import (
	"testing"

	"github.com/parleyhq/parley/internal/fields"
)

const benchText = "Hi, my name is Valentina, we will be twenty two people arriving " +
	"from São Paulo next friday at half past seven in the evening, yes please"

func BenchmarkBuiltins(b *testing.B) {
	for _, name := range []string{"Twilio.NUMBER", "Twilio.DATE", "Twilio.TIME", "Twilio.YES_NO",
		"Twilio.FIRST_NAME", "Twilio.CITY"} {
		e, _ := fields.Builtin(name)
		in := fields.Input{Text: benchText, Now: now}
		e.Extract(in) // load data outside the loop
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				e.Extract(in)
			}
		})
	}
}

func BenchmarkCustomFuzzy(b *testing.B) {
	var values []fields.Value
	for _, w := range []string{"margherita", "pepperoni", "hawaiian", "quattro formaggi",
		"four cheese", "vegetarian", "meat lovers", "bbq chicken", "capricciosa", "marinara"} {
		values = append(values, fields.Value{Value: w})
	}
	e := fields.Custom(values)
	in := fields.Input{Text: "I'd like a large peperoni and a quatro formagi with extra cheese please"}
	for b.Loop() {
		e.Extract(in)
	}
}
