# The example's plot (run from the work folder): the predicted against the
# true positron angle, and the distributions of the error, in float and
# in fixed point.
set terminal pngcairo size 1100,450
set output "angle.png"
set datafile separator ","
set multiplot layout 1,2
set xlabel "true theta (rad)"
set ylabel "predicted theta (rad)"
set key top left
plot "predictions.csv" every ::1 using 1:2 with points pt 7 ps 0.3 title "float", \
     "" every ::1 using 1:3 with points pt 7 ps 0.3 title "fixed point", \
     x with lines lc rgb "black" notitle
set xlabel "predicted - true theta (mrad)"
set ylabel "events"
binwidth = 20
bin(x) = binwidth * floor(x / binwidth) + binwidth / 2.0
set boxwidth binwidth
set xrange [-600:600]
set style fill transparent solid 0.4
plot "predictions.csv" every ::1 using (bin(1000 * ($2 - $1))):(1) smooth frequency with boxes title "float", \
     "" every ::1 using (bin(1000 * ($3 - $1))):(1) smooth frequency with boxes title "fixed point"
unset multiplot
