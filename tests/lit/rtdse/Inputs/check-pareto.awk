# An independent check of rtdse's pareto.csv against its results.csv:
#   awk -F, -f check-pareto.awk results.csv pareto.csv
# A successful row (empty `error`) of results.csv is dominated if another
# successful row is at least as good on accuracy (higher), energy_pj,
# latency_ns and area_mm2 (lower) and strictly better on one. pareto.csv
# must hold exactly the non-dominated rows (matched on every column before
# `accuracy`). Assumes no field holds a comma (no failed rows). Prints a
# summary line and exits 1 on any difference.
FNR == 1 {
  file++
  for (i = 1; i <= NF; i++) col[file, $i] = i
  next
}
file == 1 {
  key = ""
  for (i = 1; i < col[1, "accuracy"]; i++) key = key "," $i
  if ($(col[1, "error"]) != "") next
  n++
  keys[n] = key
  acc[n] = $(col[1, "accuracy"]) + 0
  en[n] = $(col[1, "energy_pj"]) + 0
  lat[n] = $(col[1, "latency_ns"]) + 0
  area[n] = $(col[1, "area_mm2"]) + 0
  next
}
file == 2 {
  key = ""
  for (i = 1; i < col[2, "accuracy"]; i++) key = key "," $i
  front[key] = 1
  frontRows++
}
END {
  bad = 0
  dominated = 0
  for (i = 1; i <= n; i++) {
    dom = 0
    for (j = 1; j <= n && !dom; j++) {
      if (j == i) continue
      if (acc[j] >= acc[i] && en[j] <= en[i] && lat[j] <= lat[i] &&
          area[j] <= area[i] &&
          (acc[j] > acc[i] || en[j] < en[i] || lat[j] < lat[i] ||
           area[j] < area[i]))
        dom = 1
    }
    dominated += dom
    if (dom && (keys[i] in front)) {
      print "dominated row in pareto.csv:" keys[i]
      bad = 1
    }
    if (!dom && !(keys[i] in front)) {
      print "non-dominated row missing from pareto.csv:" keys[i]
      bad = 1
    }
    seen[keys[i]] = 1
  }
  for (k in front)
    if (!(k in seen)) {
      print "pareto.csv row not among the successful results:" k
      bad = 1
    }
  if (frontRows != n - dominated) {
    print "pareto.csv has " frontRows " rows, expected " n - dominated
    bad = 1
  }
  printf "pareto check: %d successful rows, %d non-dominated, %d dominated\n",
         n, n - dominated, dominated
  exit bad
}
