# The example's plot (run from the work folder): edge efficiency and purity
# against the score cut, and the score distributions of true and fake
# edges, in float and in fixed point.
set terminal pngcairo size 1100,450
set output "gnn.png"
set datafile separator ","
set multiplot layout 1,2
set xlabel "score cut"
set ylabel "edge efficiency, purity"
set key bottom center
set yrange [0.9:1.001]
plot "curve.csv" every ::1 using 1:2 with lines lw 2 title "efficiency, float", \
     "" every ::1 using 1:4 with lines dt 2 lw 2 title "efficiency, fixed point", \
     "" every ::1 using 1:3 with lines lw 2 title "purity, float", \
     "" every ::1 using 1:5 with lines dt 2 lw 2 title "purity, fixed point"
set xlabel "edge score"
set xrange [0:1]
set ylabel "edges"
set logscale y
set yrange [0.5:*]
set key top center
binwidth = 0.02
bin(x) = binwidth * floor(x / binwidth) + binwidth / 2.0
set boxwidth binwidth
set style fill transparent solid 0.4
plot "scores.csv" every ::1 using (bin($5)):($4 == 1 ? 1 : 0) smooth frequency with boxes lc rgb "#1f77b4" title "true, float", \
     "" every ::1 using (bin($5)):($4 == 0 ? 1 : 0) smooth frequency with boxes lc rgb "#d62728" title "fake, float", \
     "" every ::1 using (bin($6)):($4 == 1 ? 1 : 0) smooth frequency with steps lw 2 lc rgb "#17becf" title "true, fixed point", \
     "" every ::1 using (bin($6)):($4 == 0 ? 1 : 0) smooth frequency with steps lw 2 lc rgb "#ff7f0e" title "fake, fixed point"
unset multiplot
