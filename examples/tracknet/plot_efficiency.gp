# Hit efficiency and mean ellipse area per station of a track-following
# run, float and fixed point side by side.
#
#   gnuplot -e "file='work/stations.csv'" examples/tracknet/plot_efficiency.gp
#
# reads FILE (station, efficiency_float, efficiency_fixed, area_float,
# area_fixed, written by `follow -o`) and writes FILE with .png for .csv.

if (!exists("file")) file = "work/stations.csv"
output = file[1:strlen(file) - 4].".png"

set datafile separator ","
set terminal pngcairo size 1000, 420 font ",11"
set output output
set multiplot layout 1, 2

set xlabel "station"
set xtics 1
set key bottom left
set ylabel "hit efficiency (true next hit inside the ellipse)"
set yrange [*<0.98:1.005]
plot file using 1:2 skip 1 with linespoints pt 7 title "float", \
     file using 1:3 skip 1 with linespoints pt 5 title "fixed point"

set key top left
set ylabel "mean ellipse area (cm^2, r phi x z)"
set yrange [0:*]
plot file using 1:4 skip 1 with linespoints pt 7 title "float", \
     file using 1:5 skip 1 with linespoints pt 5 title "fixed point"

unset multiplot
