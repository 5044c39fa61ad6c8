# Predicted against true z vertex of one expert, and the z resolution.
#
#   gnuplot -e "run='runs/my_extension'; expert=0" examples/neurotrigger/plot_z.gp
#
# reads RUN/expert_N_predictions.csv (columns true_z, true_theta, pred_z,
# pred_theta, written by ariadnec train) and writes RUN/expert_N_z.png. With
# fixed='FILE.csv' (the output of ariadnec emulate --precision ... on
# RUN/expert_N_inputs.csv, in [-1, 1]) it also shows the fixed-point model.

if (!exists("run")) run = "runs/my_extension"
if (!exists("expert")) expert = 0
predictions = sprintf("%s/expert_%d_predictions.csv", run, expert)
output = sprintf("%s/expert_%d_z.png", run, expert)

set datafile separator ","
set datafile commentschars "#"

# Resolution: the standard deviation of predicted - true z.
stats predictions using ($3 - $1) name "dz" nooutput
title_float = sprintf("float: {/Symbol s}_z = %.2f cm", dz_stddev)
if (exists("fixed")) {
  # The emulator's output is z / 100 cm.
  stats "< tail -n +2 ".predictions." | paste -d, - ".fixed using ($5 * 100 - $1) \
      name "fz" nooutput
  title_fixed = sprintf("fixed point: {/Symbol s}_z = %.2f cm", fz_stddev)
}

set terminal pngcairo size 1200,520 font ",11"
set output output
set multiplot layout 1,2 title sprintf("expert %d (%d validation events)", \
    expert, dz_records)

set xlabel "true z (cm)"
set ylabel "predicted z (cm)"
set xrange [-110:110]
set yrange [-110:110]
set size ratio -1
set key top left
plot predictions using 1:3 with points pt 7 ps 0.3 lc rgb "#3060c0" \
       title title_float, \
     x with lines lc rgb "black" dt 2 title "predicted = true"

set size noratio
set xlabel "predicted - true z (cm)"
set ylabel "events"
# Five standard deviations of the float model either side, in 60 bins.
half = 5 * dz_stddev
set xrange [-half:half]
set autoscale y
set key top right
bin = 2 * half / 60
binned(x) = bin * floor(x / bin) + bin / 2
if (exists("fixed")) {
  plot predictions using (binned($3 - $1)):(1.0) smooth frequency \
         with steps lw 2 lc rgb "#3060c0" title title_float, \
       "< tail -n +2 ".predictions." | paste -d, - ".fixed \
         using (binned($5 * 100 - $1)):(1.0) smooth frequency \
         with steps lw 2 lc rgb "#c04030" title title_fixed
} else {
  plot predictions using (binned($3 - $1)):(1.0) smooth frequency \
         with steps lw 2 lc rgb "#3060c0" title title_float
}
unset multiplot
print sprintf("%s: %s", output, title_float)
if (exists("fixed")) print title_fixed
