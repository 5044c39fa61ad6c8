// ELU in fixed point: x >= 0 passes exactly (the table of min(x, 0) reads 0
// there), also where the configured table range reaches above 0; below 0
// the table's bins, clamped at the range's low edge.

// RUN: printf '2.0,0.0,-0.5,-10\n' > %t.csv
// RUN: ariadnec emulate %s --precision 'fixed<16,6>' --input %t.csv -o %t.default.csv
// RUN: FileCheck %s --check-prefix=DEFAULT < %t.default.csv
// RUN: printf '[model]\nprecision = "fixed<16,6>"\n[model.table]\nrange = [-4.0, 4.0]\n' > %t.toml
// RUN: ariadnec emulate %s --config %t.toml --input %t.csv -o %t.wide.csv
// RUN: FileCheck %s --check-prefix=WIDE < %t.wide.csv

// elu(-0.5) = -0.39347, elu(-10) = -0.99995: a table over the default
// range [-7.75, 0] within one unit of fixed<16,6> (2^-10) of the function;
// -1 is the nearest fixed<16,6> value.
// DEFAULT: 2,0,-0.3935547,-1
// With [-4, 4], -10 reads the entry of -4: elu(-4) = -0.98168.
// WIDE: 2,0,-0.3935547,-0.9824219

func.func @elu(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = nn.activation %x {activation = #nn<act elu>, alpha = 1.0 : f32} : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
