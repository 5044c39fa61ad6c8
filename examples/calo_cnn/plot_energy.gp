# Predicted against true energy, and the relative energy residual, of a
# trained calo_cnn run, in float and optionally in fixed point.
#
#   gnuplot -e "run='runs/base'" examples/calo_cnn/plot_energy.gp
#   gnuplot -e "run='runs/base'; fixed='fixed.csv'" examples/calo_cnn/plot_energy.gp
#
# reads RUN/expert_0_predictions.csv (true_energy, true_x, true_y,
# pred_energy, pred_x, pred_y, written by ariadnec train) and writes
# RUN/expert_0_energy.png. With fixed='FILE.csv', the output of
#   ariadnec emulate RUN/expert_0.onnx --input RUN/expert_0_inputs.csv \
#       --precision 'fixed<16,6,RND,SAT>' -o FILE.csv
# (energy in [-1, 1] over [0, 100] GeV), it shows the fixed-point model too.

if (!exists("run")) run = "runs/base"
predictions = sprintf("%s/expert_0_predictions.csv", run)
output = sprintf("%s/expert_0_energy.png", run)

set datafile separator ","
set datafile commentschars "#"

stats predictions using (($4 - $1) / $1) name "rf" nooutput
title_float = sprintf("float: {/Symbol s}_E/E = %.3f", rf_stddev)
# The predictions (after their header line) and the fixed-point outputs
# side by side: columns 1-6, then 7-9.
both = exists("fixed") ? "< tail -n +2 ".predictions." | paste -d, - ".fixed : ""
fixed_energy(column) = (column + 1) * 50
if (exists("fixed")) {
  stats both using ((fixed_energy($7) - $1) / $1) name "rq" nooutput
  title_fixed = sprintf("fixed point: {/Symbol s}_E/E = %.3f", rq_stddev)
}

set terminal pngcairo size 1200,520 font ",11"
set output output
set multiplot layout 1,2 title sprintf("CNN energy regression (%d validation events)", \
    rf_records)

set xlabel "true energy (GeV)"
set ylabel "predicted energy (GeV)"
set key top left
set xrange [0:100]
set yrange [0:110]
if (exists("fixed")) {
  plot predictions using 1:4 with points pt 7 ps 0.3 lc rgb "#1f77b4" \
           title title_float, \
       both using 1:(fixed_energy($7)) with points pt 7 ps 0.3 \
           lc rgb "#d62728" title title_fixed, \
       x with lines lc rgb "black" notitle
} else {
  plot predictions using 1:4 with points pt 7 ps 0.3 lc rgb "#1f77b4" \
           title title_float, \
       x with lines lc rgb "black" notitle
}

# Histograms of (predicted - true) / true energy in bins of 0.02.
bin(x) = 0.02 * floor(x / 0.02) + 0.01
set xlabel "(predicted - true) / true energy"
set ylabel "events"
set xrange [-0.8:0.8]
set autoscale y
set key top right
if (exists("fixed")) {
  plot predictions using (bin(($4 - $1) / $1)):(1.0) smooth frequency \
           with steps lc rgb "#1f77b4" title title_float, \
       both using (bin((fixed_energy($7) - $1) / $1)):(1.0) \
           smooth frequency with steps lc rgb "#d62728" title title_fixed
} else {
  plot predictions using (bin(($4 - $1) / $1)):(1.0) smooth frequency \
           with steps lc rgb "#1f77b4" title title_float
}
unset multiplot
