#!/bin/sh
# solar-stats.sh: write the board's live power statistics as api/stats.json and api/battery.css,
# keep a rolling power history (api/power-history.csv) and its chart (api/power-history.svg), and
# switch the site's power mode (api/low-power.flag, api/text-only.flag) with the battery's charge.
#
# POSIX sh and standard tools only (date, awk, mv): the board runs no Node.
# Sensors: the AXP209 power chip through Armbian's /sys/power/axp_pmu, or an INA219 through hwmon;
# CPU temperature, load and uptime from sysfs/procfs. A missing or unreadable sensor gives null.
# Both files are written to a temporary file in the output directory and renamed into place,
# so nginx serves the old file or the new one, never half of one.
# See scripts/README.md for the units assumed and how to install it.

set -u
umask 022
export LC_ALL=C

prog=solar-stats

usage() {
  cat <<'EOF'
Usage: solar-stats.sh [--out DIR] [--forecast-cmd CMD] [--sysfs-root DIR] [--proc-root DIR]

Writes DIR/stats.json and DIR/battery.css (atomically) from the board's power sensors; keeps
DIR/power-history.csv and draws DIR/power-history.svg from it; sets DIR/low-power.flag and
DIR/text-only.flag when the battery runs low (the nginx config reads them).

  -o, --out DIR          output directory, must exist   (env SOLAR_STATS_DIR, default /var/www/solarpress/api)
  -f, --forecast-cmd CMD shell command printing up to 3 lines "YYYY-MM-DD sky"
                         (sky: sunny partly-cloudy cloudy rain snow unknown)  (env SOLAR_FORECAST_CMD)
      --sysfs-root DIR   where /sys is mounted   (env SOLAR_SYSFS_ROOT, default /sys)
      --proc-root DIR    where /proc is mounted  (env SOLAR_PROC_ROOT, default /proc)
  -h, --help             this text

Other environment: SOLAR_TIMEZONE (zone name shown and used for local_time; default TZ or the system's),
SOLAR_INA219_ROLE (battery | solar | load: what an INA219 measures; default battery),
SOLAR_INA219_INVERT=1 (the INA219 reads positive current while the battery charges).
History and chart: SOLAR_HISTORY_DAYS (1-31, default 7), SOLAR_HISTORY_MINUTES (slot, 5-60, default 10),
SOLAR_LATITUDE and SOLAR_LONGITUDE (decimal degrees: night shading and sunrise; without them, from the panel),
SOLAR_BATTERY_WH (capacity for the night outlook, default 24).
Power mode: SOLAR_LOW_POWER_BELOW (%, default 30; 0 = never), SOLAR_TEXT_ONLY_BELOW (%, default 15; 0 = never),
SOLAR_POWER_HYSTERESIS (points above a threshold before leaving its mode, default 5).
SOLAR_NOW (Unix seconds): act as if it were then (for tests).
Exit status: 0 written (missing sensors are null), 1 output not writable, 2 usage.
EOF
}

die_usage() {
  printf '%s: %s\n' "$prog" "$1" >&2
  printf 'Try: solar-stats.sh --help\n' >&2
  exit 2
}

out=${SOLAR_STATS_DIR:-/var/www/solarpress/api}
forecast_cmd=${SOLAR_FORECAST_CMD:-}
sysfs=${SOLAR_SYSFS_ROOT:-/sys}
proc=${SOLAR_PROC_ROOT:-/proc}

while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    -o|--out|-f|--forecast-cmd|--sysfs-root|--proc-root)
      [ $# -ge 2 ] || die_usage "$1 needs a value"
      case $1 in
        -o|--out) out=$2 ;;
        -f|--forecast-cmd) forecast_cmd=$2 ;;
        --sysfs-root) sysfs=$2 ;;
        --proc-root) proc=$2 ;;
      esac
      shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --forecast-cmd=*) forecast_cmd=${1#*=}; shift ;;
    --sysfs-root=*) sysfs=${1#*=}; shift ;;
    --proc-root=*) proc=${1#*=}; shift ;;
    *) die_usage "unknown argument: $1" ;;
  esac
done

case ${SOLAR_INA219_ROLE:-battery} in
  battery|solar|load) ina_role=${SOLAR_INA219_ROLE:-battery} ;;
  *) die_usage "SOLAR_INA219_ROLE must be battery, solar or load (got: ${SOLAR_INA219_ROLE})" ;;
esac

# setting NAME DEFAULT MIN MAX: a whole number from the environment, or exit 2 naming it.
setting() {
  eval "_s=\${$1:-$2}"
  case $_s in
    ''|*[!0-9]*) die_usage "$1 must be a whole number from $3 to $4 (got: $_s)" ;;
  esac
  [ "${#_s}" -le 6 ] && [ "$_s" -ge "$3" ] && [ "$_s" -le "$4" ] || die_usage "$1 must be a whole number from $3 to $4 (got: $_s)"
  eval "$1=\$_s"
}
setting SOLAR_HISTORY_DAYS 7 1 31
setting SOLAR_HISTORY_MINUTES 10 5 60
setting SOLAR_BATTERY_WH 24 1 100000
setting SOLAR_LOW_POWER_BELOW 30 0 100
setting SOLAR_TEXT_ONLY_BELOW 15 0 100
setting SOLAR_POWER_HYSTERESIS 5 0 50
# Degrees, for day/night in the chart and the sunrise in the outlook (else taken from the panel's history).
for v in SOLAR_LATITUDE SOLAR_LONGITUDE; do
  eval "_s=\${$v:-}"
  case ${_s#-} in
    *[!0-9.]*|.*|*.|*.*.*) die_usage "$v must be decimal degrees, e.g. 51.92 (got: $_s)" ;;
    '') [ -z "$_s" ] || die_usage "$v must be decimal degrees, e.g. 51.92 (got: $_s)" ;;
  esac
done
if [ -z "${SOLAR_LATITUDE:-}" ] && [ -n "${SOLAR_LONGITUDE:-}" ] || [ -n "${SOLAR_LATITUDE:-}" ] && [ -z "${SOLAR_LONGITUDE:-}" ]; then
  die_usage "set both SOLAR_LATITUDE and SOLAR_LONGITUDE, or neither"
fi
# SOLAR_NOW: the time to act at, in Unix seconds (tests drive a week of readings with it).
case ${SOLAR_NOW:-} in
  '') ;;
  *[!0-9]*) die_usage "SOLAR_NOW must be Unix seconds (got: $SOLAR_NOW)" ;;
esac

if [ ! -d "$out" ]; then
  printf '%s: output directory %s does not exist: create it (see scripts/README.md) or pass --out DIR\n' "$prog" "$out" >&2
  exit 1
fi

# read_int NAME FILE: NAME is the file's first line if that is a plain integer (sysfs values),
# else empty, so odd values become null. Only builtins: no process per sensor, once a minute.
read_int() {
  _v=
  if [ -r "$2" ]; then IFS=' 	' read -r _v 2>/dev/null <"$2" || :; fi
  case $_v in
    ''|-|*[!0-9-]*|?*-*) _v= ;;
  esac
  # No sensor gives more than 15 digits; awk would turn 400 of them into inf (not JSON).
  [ "${#_v}" -le 16 ] || _v=
  eval "$1=\$_v"
}

# read_line NAME FILE: NAME is the file's first line, or empty.
read_line() {
  _v=
  if [ -r "$2" ]; then IFS= read -r _v 2>/dev/null <"$2" || :; fi
  eval "$1=\$_v"
}

axp=$sysfs/power/axp_pmu

# AXP209 (Armbian's axp_pmu sysfs): voltages in µV, currents in µA, capacity in %, flags 0/1.
read_int bat_connected "$axp/battery/connected"
read_int bat_capacity "$axp/battery/capacity"
read_int bat_voltage "$axp/battery/voltage"
read_int bat_discharge "$axp/battery/amperage"
read_int bat_charging "$axp/battery/charging"
read_int chg_current "$axp/charger/amperage"
read_int ac_connected "$axp/ac/connected"
read_int ac_voltage "$axp/ac/voltage"
read_int ac_current "$axp/ac/amperage"

# INA219 through hwmon: the first hwmon whose name is ina219. in1 mV (bus), curr1 mA, power1 µW.
ina_voltage='' ina_current='' ina_power='' ina_found=''
for h in "$sysfs"/class/hwmon/hwmon*; do
  [ -r "$h/name" ] || continue
  read_line hwmon_name "$h/name"
  if [ "$hwmon_name" = ina219 ]; then
    ina_found=1
    read_int ina_voltage "$h/in1_input"
    read_int ina_current "$h/curr1_input"
    read_int ina_power "$h/power1_input"
    break
  fi
done

read_int cpu_temp "$sysfs/class/thermal/thermal_zone0/temp"

read_line loadavg "$proc/loadavg"
read_line uptime "$proc/uptime"

# Time zone: the name shown, and the zone local_time is computed in.
tz_name=${SOLAR_TIMEZONE:-}
if [ -z "$tz_name" ] && [ -n "${TZ:-}" ]; then tz_name=${TZ#:}; fi
if [ -z "$tz_name" ]; then read_line tz_name /etc/timezone; fi
if [ -z "$tz_name" ] && [ -L /etc/localtime ]; then
  tz_name=$(ls -l /etc/localtime 2>/dev/null | sed -n 's|.*zoneinfo/||p')
fi
if [ -n "${SOLAR_TIMEZONE:-}" ]; then TZ=$SOLAR_TIMEZONE; export TZ; fi

# One instant for both timestamps where date knows "@seconds" (GNU, busybox); two calls otherwise.
now=${SOLAR_NOW:-$(date +%s)}
generated=$(date -u -d "@$now" '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null) || generated=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
local_time=$(date -d "@$now" '+%Y-%m-%dT%H:%M:%S%z' 2>/dev/null) || local_time=$(date '+%Y-%m-%dT%H:%M:%S%z')

# Forecast: the command's stdout, validated below; a failing command means no forecast.
forecast='' forecast_ok=''
if [ -n "$forecast_cmd" ]; then
  if command -v timeout >/dev/null 2>&1; then
    forecast=$(timeout 30 sh -c "$forecast_cmd" </dev/null 2>/dev/null)
  else
    forecast=$(sh -c "$forecast_cmd" </dev/null 2>/dev/null)
  fi
  status=$?
  if [ "$status" -ne 0 ]; then
    printf '%s: forecast ignored: command failed (exit %s): %s\n' "$prog" "$status" "$forecast_cmd" >&2
  elif [ "${#forecast}" -gt 4096 ]; then
    # Three short lines are expected; a flood would not even fit in awk's environment.
    forecast=''
    printf '%s: forecast ignored: more than 4096 bytes from: %s\n' "$prog" "$forecast_cmd" >&2
  elif [ -z "$forecast" ]; then
    printf '%s: forecast ignored: command printed nothing: %s\n' "$prog" "$forecast_cmd" >&2
  else
    forecast_ok=1
  fi
fi

json_tmp=$out/.stats.json.tmp.$$
css_tmp=$out/.battery.css.tmp.$$
reading_tmp=$out/.reading.tmp.$$
history_tmp=$out/.power-history.csv.tmp.$$
svg_tmp=$out/.power-history.svg.tmp.$$
flag_tmp=$out/.flag.tmp.$$
cleanup() { rm -f "$json_tmp" "$css_tmp" "$reading_tmp" "$history_tmp" "$svg_tmp" "$flag_tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 1' HUP INT TERM

export bat_connected bat_capacity bat_voltage bat_discharge bat_charging chg_current
export ac_connected ac_voltage ac_current ina_found ina_voltage ina_current ina_power ina_role
export cpu_temp loadavg uptime tz_name generated local_time forecast forecast_ok css_tmp reading_tmp
export SOLAR_INA219_INVERT="${SOLAR_INA219_INVERT:-}"

# All arithmetic and JSON in one awk: values come through ENVIRON (no escape processing, unlike -v).
if ! awk '
# Sensor numbers: at most 15 digits each side, so awk never reaches inf or loses the value.
function isint(s) { return s ~ /^-?[0-9]+$/ && length(s) <= 16 }
function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?$/ && length(s) <= 32 }
# A JSON number rounded to d decimals, trailing zeros dropped; "" is null, and so is anything
# printf would not write as a plain decimal (inf, nan, exponents).
function num(x, d,   s) {
  if (x == "") return "null"
  s = sprintf("%." d "f", x)
  if (s ~ /\./) { sub(/0+$/, "", s); sub(/\.$/, "", s) }
  if (s == "-0") s = "0"
  if (s !~ /^-?[0-9]+(\.[0-9]+)?$/ || length(s) > 20) return "null"
  return s
}
function dash(s) { return s == "null" ? "-" : s }
function bool(x) { return x == "" ? "null" : (x ? "true" : "false") }
# A JSON string of printable ASCII: <, > and & as \u escapes so the file is safe to inline into
# HTML too; any other byte (control, or not ASCII, which may not be UTF-8) becomes U+FFFD.
function str(s,   o, i, c) {
  if (s == "") return "null"
  o = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\") o = o "\\\\"
    else if (c == "\"") o = o "\\\""
    else if (c == "<") o = o "\\u003c"
    else if (c == ">") o = o "\\u003e"
    else if (c == "&") o = o "\\u0026"
    else if (c == "\t") o = o "\\t"
    else if (index(PRINTABLE, c)) o = o c
    else o = o "\\ufffd"
  }
  return "\"" o "\""
}
function abs(x) { return x < 0 ? -x : x }
# A real calendar day: 2024-02-29 yes, 2023-02-29 and 2024-02-30 no.
function validdate(d,   y, m, dd, last) {
  if (d !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) return 0
  y = substr(d, 1, 4) + 0; m = substr(d, 6, 2) + 0; dd = substr(d, 9, 2) + 0
  if (m < 1 || m > 12 || dd < 1) return 0
  last = substr("312831303130313130313031", 2 * m - 1, 2) + 0
  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) last = 29
  return dd <= last
}
function warn(msg) { print "solar-stats: " msg | "cat 1>&2" }
BEGIN {
  for (k in ENVIRON) E[k] = ENVIRON[k]
  for (i = 32; i < 127; i++) PRINTABLE = PRINTABLE sprintf("%c", i)

  percent = ""; charging = ""; volt = ""; amp = ""
  solar = ""; batw = ""; loadw = ""

  # AXP209. battery/amperage is the discharge current, charger/amperage the charge current;
  # battery/charging says which way current flows. Without a battery (connected=0) the other
  # battery files hold junk (capacity 127): only battery_w = 0 is true then.
  if (E["bat_connected"] == "0") {
    batw = 0
  } else if (E["bat_connected"] == "1" || E["bat_capacity"] != "" || E["bat_voltage"] != "") {
    c = E["bat_capacity"]
    if (isint(c) && c + 0 >= 0 && c + 0 <= 100) percent = c + 0
    if (E["bat_charging"] == "0" || E["bat_charging"] == "1") charging = E["bat_charging"] + 0
    if (isint(E["bat_voltage"]) && E["bat_voltage"] + 0 >= 0) volt = E["bat_voltage"] / 1e6
    a = ""
    if (charging == 1) a = isint(E["chg_current"]) ? E["chg_current"] : E["bat_discharge"]
    else if (charging == 0) a = E["bat_discharge"]
    if (isint(a)) amp = abs(a) / 1e6
    if (volt != "" && amp != "" && charging != "") batw = (charging ? -1 : 1) * volt * amp
  }
  # ACIN (the DC barrel jack) is fed by the solar charge controller.
  if (E["ac_connected"] == "0") solar = 0
  else if (E["ac_connected"] == "1" && isint(E["ac_voltage"]) && isint(E["ac_current"]))
    solar = abs(E["ac_voltage"] / 1e6 * E["ac_current"] / 1e6)

  # INA219: a dedicated shunt is more exact than the AXP ADC, so it wins for the quantity it measures.
  if (E["ina_found"] == "1") {
    iv = E["ina_voltage"]; ic = E["ina_current"]; ip = E["ina_power"]
    role = E["ina_role"]
    if (role == "battery") {
      if (isint(iv) && iv + 0 >= 0) volt = iv / 1000
      if (isint(ic)) {
        drain = (E["SOLAR_INA219_INVERT"] == "1") ? -ic : ic + 0
        amp = abs(drain) / 1000
        charging = drain < 0 ? 1 : 0
        if (volt != "") batw = drain / 1000 * volt
      }
    } else {
      w = ""
      if (isint(ip) && ip + 0 >= 0) w = ip / 1e6
      else if (isint(iv) && isint(ic)) w = abs(iv / 1000 * ic / 1000)
      if (w != "") { if (role == "solar") solar = w; else loadw = w }
    }
  }

  # Energy balance: load = solar + battery (battery_w > 0 when the battery is drained).
  if (loadw == "" && solar != "" && batw != "") loadw = solar + batw
  else if (solar == "" && loadw != "" && batw != "") solar = loadw - batw
  else if (batw == "" && loadw != "" && solar != "") batw = loadw - solar
  if (loadw != "" && loadw < 0) loadw = ""
  if (solar != "" && solar < 0) solar = ""

  t = E["cpu_temp"]; temp = ""
  if (isint(t)) temp = (abs(t) < 200) ? t + 0 : t / 1000

  split(E["loadavg"], la, " ")
  load = "null"
  if (isnum(la[1]) && isnum(la[2]) && isnum(la[3]))
    load = "[" num(la[1], 2) "," num(la[2], 2) "," num(la[3], 2) "]"

  split(E["uptime"], up, " ")
  upt = ""
  if (isnum(up[1])) upt = int(up[1])

  lt = E["local_time"]
  if (lt ~ /^[0-9-]+T[0-9:]+[+-][0-9][0-9][0-9][0-9]$/) lt = substr(lt, 1, length(lt) - 2) ":" substr(lt, length(lt) - 1)
  else lt = ""
  gen = E["generated"]
  if (gen !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$/) gen = ""

  # Forecast: every non-blank line "YYYY-MM-DD sky"; one bad line discards it all (the command is broken).
  fc = "null"
  if (E["forecast_ok"] == "1") {
    sky["sunny"]; sky["partly-cloudy"]; sky["cloudy"]; sky["rain"]; sky["snow"]; sky["unknown"]
    n = split(E["forecast"], lines, "\n"); days = ""; count = 0; bad = ""
    for (i = 1; i <= n; i++) {
      line = lines[i]; gsub(/\r/, "", line); sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
      if (line == "") continue
      nf = split(line, f, /[ \t]+/)
      if (nf != 2 || !validdate(f[1]) || f[2] !~ /^[a-z-]+$/) { bad = line; break }
      if (!(f[2] in sky)) f[2] = "unknown"
      if (count < 3) {
        days = days (count ? "," : "") "{\"date\":" str(f[1]) ",\"sky\":" str(f[2]) "}"
        count++; fdate[count] = f[1]; fsky[count] = f[2]; fcount = count
      }
    }
    if (bad != "") warn("forecast ignored: expected \"YYYY-MM-DD sky\", got: " bad)
    else if (count > 0) fc = "[" days "]"
  }

  printf "{\"schema\":1,\"generated\":%s,\"local_time\":%s,\"timezone\":%s,", str(gen), str(lt), str(E["tz_name"])
  printf "\"battery\":{\"percent\":%s,\"charging\":%s,\"voltage_v\":%s,\"current_a\":%s},", num(percent, 0), bool(charging), num(volt, 2), num(amp, 3)
  printf "\"power\":{\"solar_w\":%s,\"battery_w\":%s,\"load_w\":%s},", num(solar, 2), num(batw, 2), num(loadw, 2)
  printf "\"system\":{\"uptime_s\":%s,\"load\":%s,\"cpu_temp_c\":%s},", num(upt, 0), load, num(temp, 1)
  printf "\"forecast\":%s}\n", fc

  css = E["css_tmp"]
  printf "/* solarpress power stats, written %s */\n", (gen == "" ? "at an unknown time" : gen) > css
  if (percent == "") {
    printf ":root{--battery-level:0%%}\n.battery-label::after{content:\"?\"}\n.battery-percent::after{content:\"?\"}\n" > css
  } else {
    sym = charging == 1 ? " \\2600" : (charging == 0 ? " \\263E" : "")
    printf ":root{--battery-level:%d%%}\n.battery-label::after{content:\"%d%%%s\"}\n", percent, percent, sym > css
    printf ".battery-percent::after{content:\"%d\\a0%%\"}\n", percent > css
  }
  close(css)

  # The validated reading, for the history: "percent solar_w load_w" ("-" when unknown), then the forecast days.
  rd = E["reading_tmp"]
  printf "%s %s %s\n", dash(num(percent, 0)), dash(num(solar, 2)), dash(num(loadw, 2)) > rd
  if (fc != "null") for (i = 1; i <= fcount; i++) print fdate[i], fsky[i] > rd
  close(rd)
}' >"$json_tmp"; then
  printf '%s: cannot write into %s (permissions? disk full?)\n' "$prog" "$out" >&2
  exit 1
fi

# ---- History, chart, outlook and power mode -------------------------------------------------
# power-history.csv keeps one line per slot (SOLAR_HISTORY_MINUTES) the board was up, over the last
# SOLAR_HISTORY_DAYS: a missing line is a slot the board was off, drawn as a gap. A line is added
# at the first run in a new slot; older and malformed lines are dropped when the file is rewritten
# (to a temporary file, renamed into place), so it never grows past days x slots a day.
history=$out/power-history.csv
svg=$out/power-history.svg
low_flag=$out/low-power.flag
text_flag=$out/text-only.flag
mode=normal
[ -e "$low_flag" ] && mode=low
[ -e "$text_flag" ] && mode=text
chart=0
[ -e "$svg" ] || chart=1

# The board's UTC offset at each day of the window (GNU date reads many dates in one process);
# the chart labels its days and the outlook its times in the board's zone with it.
offsets=$(i=0; while [ "$i" -le $((SOLAR_HISTORY_DAYS + 1)) ]; do echo "@$((now - i * 86400))"; i=$((i + 1)); done |
  date -f - '+%s %z' 2>/dev/null) || offsets=$(date '+0 %z')

export history svg history_tmp svg_tmp mode chart now offsets reading_tmp css_tmp
export SOLAR_HISTORY_DAYS SOLAR_HISTORY_MINUTES SOLAR_BATTERY_WH SOLAR_LOW_POWER_BELOW SOLAR_TEXT_ONLY_BELOW
export SOLAR_POWER_HYSTERESIS SOLAR_LATITUDE="${SOLAR_LATITUDE:-}" SOLAR_LONGITUDE="${SOLAR_LONGITUDE:-}"

# Prints "<mode> <history rewritten 0|1> <chart written 0|1>"; appends the outlook to battery.css.
if ! result=$(awk '
function isnum(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ && length(s) <= 12 }
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function abs(x) { return x < 0 ? -x : x }
# A chart path, left out when it has nothing to draw (an empty d is not valid SVG 1.1).
function path(attrs, d) { if (d != "") printf "<path %s d=\"%s\"/>\n", attrs, d > out }
# A horizontal run of n slots ("" for none): consecutive equal values cost one command.
function flat(n) { return n > 0 ? "h" n : "" }
function fmt(x, d,   s) { s = sprintf("%." d "f", x); if (s ~ /\./) { sub(/0+$/, "", s); sub(/\.$/, "", s) } return s }
# UTC offset (seconds) at time t: the sample nearest to it.
function offset(t,   i, best, bd) {
  best = OFF[1]; bd = -1
  for (i = 1; i <= NOFF; i++) if (bd < 0 || abs(OFFT[i] - t) < bd) { bd = abs(OFFT[i] - t); best = OFF[i] }
  return best
}
# Civil date of a day number (days since 1970-01-01), after Howard Hinnant: sets Y, M, D.
function civil(z,   era, doe, yoe, doy, mp) {
  z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  Y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
  D = doy - int((153 * mp + 2) / 5) + 1; M = mp < 10 ? mp + 3 : mp - 9; if (M <= 2) Y++
}
function localday(t) { return int((t + offset(t)) / 86400) - ((t + offset(t)) < 0) }
function isodate(t) { civil(localday(t)); return sprintf("%04d-%02d-%02d", Y, M, D) }
function hhmm(t,   l) { l = (t + offset(t)) % 86400; return sprintf("%02d:%02d", int(l / 3600), int(l % 3600 / 60)) }
function dayname(t,   z) { z = localday(t); civil(z); return substr("ThuFriSatSunMonTueWed", (z % 7) * 3 + 1, 3) " " D " " substr("JanFebMarAprMayJunJulAugSepOctNovDec", M * 3 - 2, 3) }
# Sun elevation (degrees) at Unix time t, after the Astronomical Almanac low-precision formulas.
function elevation(t,   d, g, q, L, e, ra, dec, lha, r, x) {
  r = 3.14159265358979 / 180
  d = t / 86400 - 10957.5; g = (357.529 + 0.98560028 * d) * r; q = 280.459 + 0.98564736 * d
  L = (q + 1.915 * sin(g) + 0.020 * sin(2 * g)) * r; e = (23.439 - 0.00000036 * d) * r
  ra = atan2(cos(e) * sin(L), cos(L)); x = sin(e) * sin(L); dec = atan2(x, sqrt(1 - x * x))
  lha = (18.697374558 + 24.06570982441908 * d) * 15 * r + LON * r - ra
  x = sin(LAT * r) * sin(dec) + cos(LAT * r) * cos(dec) * cos(lha)
  return atan2(x, sqrt(1 - x * x)) / r
}
# Dark at time t: the sun below the horizon (with coordinates); else the panel gave under 0.1 W
# in that slot (-1: not known).
function dark(t,   s) {
  if (ASTRO) return elevation(t) < -0.833
  return state(t - t % STEP)
}
# 1 dark, 0 light, -1 unknown: what the panel gave in slot s.
function state(s) { return (s in SW) && SW[s] != "-" ? SW[s] < 0.1 : -1 }
# First time from t (in STEP steps, up to two days) when dark(time) == want; 0 if none.
function next_time(t, want,   i, u, k) {
  if (ASTRO) { for (i = 0; i <= 2 * 86400 / 300; i++) if (dark(t + i * 300) == want) return t + i * 300; return 0 }
  # From the history: the same time of day as the latest such change that lasted (three slots), a day or two later.
  u = 0
  for (k = NOW_SLOT - 2 * STEP; k > START; k -= STEP) if (state(k) == want && state(k + STEP) == want && state(k + 2 * STEP) == want && state(k - STEP) == !want) { u = k; break }
  if (!u) return 0
  while (u < t) u += 86400
  return u
}
BEGIN {
  for (k in ENVIRON) E[k] = ENVIRON[k]
  STEP = E["SOLAR_HISTORY_MINUTES"] * 60; N = E["SOLAR_HISTORY_DAYS"] * 86400 / STEP
  NOW = E["now"] + 0; NOW_SLOT = NOW - NOW % STEP; START = NOW_SLOT - (N - 1) * STEP
  ASTRO = E["SOLAR_LATITUDE"] != ""; LAT = E["SOLAR_LATITUDE"] + 0; LON = E["SOLAR_LONGITUDE"] + 0
  if (LAT > 90 || LAT < -90 || LON > 180 || LON < -180) ASTRO = 0
  NOFF = split(E["offsets"], ol, "\n")
  for (i = 1; i <= NOFF; i++) { split(ol[i], f, " "); OFFT[i] = f[1] + 0; o = f[2]; OFF[i] = (substr(o, 1, 1) == "-" ? -1 : 1) * (substr(o, 2, 2) * 3600 + substr(o, 4, 2) * 60) }

  # The current reading and the forecast, as the first awk validated them.
  rf = E["reading_tmp"]
  if ((getline line < rf) > 0) { split(line, cur, " ") }
  while ((getline line < rf) > 0) { split(line, f, " "); SKY[f[1]] = f[2]; HAVE_FORECAST = 1 }
  close(rf)

  # Read the history: keep well-formed lines inside the window, one per slot (the first).
  hf = E["history"]; dirty = 0; last = 0; first = 0
  while ((getline line < hf) > 0) {
    if (line == "time,battery_percent,solar_w,load_w") continue
    n = split(line, f, ",")
    ok = n == 4 && f[1] ~ /^[0-9]+$/ && length(f[1]) <= 12 && (f[2] == "" || (f[2] ~ /^[0-9]+$/ && f[2] <= 100)) && (f[3] == "" || isnum(f[3])) && (f[4] == "" || isnum(f[4]))
    s = ok ? f[1] - f[1] % STEP : 0
    if (ok && s > NOW_SLOT) { ahead = f[1]; continue }
    if (!ok || s < START || (s in PCT)) { dirty = 1; continue }
    PCT[s] = f[2] == "" ? "-" : f[2] + 0; SW[s] = f[3] == "" ? "-" : f[3] + 0; LW[s] = f[4] == "" ? "-" : f[4] + 0
    if (s > last) last = s
    if (!first || s < first) first = s
  }
  close(hf)
  # A line newer than the clock: the clock is behind (a board without a clock battery boots in the
  # past until NTP answers). Leave the file alone until the clock catches up, rather than lose it.
  if (ahead != "") {
    dirty = 0
    print "solar-stats: the clock (" NOW ") is behind the newest line of " hf " (" ahead "): not recording until it catches up (if that line is wrong, delete the file)" | "cat 1>&2"
  }
  # A new slot: record this reading.
  else if (!(NOW_SLOT in PCT) && NOW_SLOT > last) {
    PCT[NOW_SLOT] = cur[1]; SW[NOW_SLOT] = cur[2]; LW[NOW_SLOT] = cur[3]; dirty = 1
    if (!first) first = NOW_SLOT
    last = NOW_SLOT
  }
  if (dirty) {
    ht = E["history_tmp"]
    print "time,battery_percent,solar_w,load_w" > ht
    for (s = START; s <= NOW_SLOT; s += STEP) if (s in PCT)
      print s "," (PCT[s] == "-" ? "" : PCT[s]) "," (SW[s] == "-" ? "" : SW[s]) "," (LW[s] == "-" ? "" : LW[s]) > ht
    close(ht)
  }

  # Summary: uptime over the slots since the history began (at most the window), lowest charge, solar peak.
  from = first ? first : NOW_SLOT; slots = (NOW_SLOT - from) / STEP + 1; up = 0
  minp = ""; maxw = 0; lastp = ""; loadsum = 0; loadn = 0
  for (s = from; s <= NOW_SLOT; s += STEP) {
    if (!(s in PCT)) continue
    up++
    if (PCT[s] != "-") { if (minp == "" || PCT[s] <= minp) { minp = PCT[s]; mint = s } lastp = PCT[s]; lastt = s }
    if (SW[s] != "-" && SW[s] > maxw) maxw = SW[s]
    if (LW[s] != "-" && s > NOW_SLOT - 86400) { loadsum += LW[s]; loadn++ }
  }
  pct = cur[1] != "-" ? cur[1] + 0 : lastp
  span = slots * STEP / 86400
  spantext = span >= E["SOLAR_HISTORY_DAYS"] - 0.001 ? "the last " E["SOLAR_HISTORY_DAYS"] " days" : "the " fmt(span >= 1 ? span : span * 24, 1) (span >= 1 ? " days" : " hours") " since the history began"
  uptext = "Up " fmt(100 * up / slots, 1) " % of the time over " spantext " (" up " of " slots " " STEP / 60 "-minute slots)."

  # Outlook for the night: the charge left, at the average load of the last day, against the hours until
  # the panel runs the board again (sunrise + 2 hours), from the sky forecast for that morning.
  load = loadn ? loadsum / loadn : (cur[3] != "-" ? cur[3] : "")
  isday = dark(NOW) == 0
  sunset = isday ? next_time(NOW, 1) : NOW
  morning = sunset ? next_time(sunset, 0) : 0
  if (pct == "") night = "No outlook for the night: the battery charge is not measured."
  else if (load == "" || load <= 0) night = "No outlook for the night: the power the board uses is not measured."
  else if (!morning) night = "No outlook for the night: the board does not know yet when the sun rises (set SOLAR_LATITUDE and SOLAR_LONGITUDE, or wait for a day of history)."
  else {
    hours = pct / 100 * E["SOLAR_BATTERY_WH"] / load
    recover = morning + 7200; need = (recover - NOW) / 3600; gone = NOW + hours * 3600
    sky = SKY[isodate(morning)]
    if (gone >= recover) night = "The battery should last the night: about " fmt(hours, 0) " hours of power at " fmt(load, 1) " W, and the sun is back around " hhmm(morning) "."
    else night = "The battery may not last the night: about " fmt(hours, 0) " hours of power at " fmt(load, 1) " W, so the site may go offline around " hhmm(gone) " until the sun recharges it (sunrise around " hhmm(morning) ")."
    if (sky != "") night = night " Forecast for " dayname(morning) ": " sky (sky ~ /cloudy|rain|snow/ && sky != "partly-cloudy" ? ", so the panel may not keep up." : ".")
    else if (!HAVE_FORECAST) night = night " No forecast."
  }

  # Power mode, with hysteresis: a mode is left only above its threshold plus the margin.
  mode = E["mode"]; lo = E["SOLAR_LOW_POWER_BELOW"] + 0; tx = E["SOLAR_TEXT_ONLY_BELOW"] + 0; hy = E["SOLAR_POWER_HYSTERESIS"] + 0
  if (cur[1] != "-") {
    p = cur[1] + 0
    if (p < tx) mode = "text"
    else if (p < lo) mode = (mode == "text" && p < tx + hy) ? "text" : "low"
    else if (mode == "text" && p < tx + hy) mode = "text"
    else if (mode != "normal" && p < lo + hy) mode = "low"
    else mode = "normal"
    if (lo == 0 && mode == "low") mode = "normal"
  }

  css = E["css_tmp"]
  printf ".power-uptime::after{content:\"%s\"}\n.power-night::after{content:\"%s\"}\n", uptext, night >> css
  if (mode != "normal") {
    print "/* " mode " power mode: images are held back (nginx refuses them) */" >> css
    print ".figure .held-back{display:block}.figure img,.figure picture,.figure-tools,.footer-chart{display:none}" >> css
  }
  if (mode == "text") print ".power-chart img{display:none}.power-chart .held-back{display:block}" >> css
  close(css)

  # The chart: slots along x (in a scaled group), battery % and solar W along y (0..100 each).
  if ((E["chart"] == "1" || dirty) && ahead == "") {
    W = 640; H = 250; x0 = 44; x1 = 600; y0 = 40; y1 = 200
    # One uniform scale (k px per slot both ways) keeps strokes even without vector-effect
    # (not in SVG 1.1); values are whole units of that scale, U of them for 100 %.
    px = (x1 - x0) / N; U = int((y1 - y0) / px + 0.5)
    wmax = 1; while (wmax < maxw) wmax = wmax < 5 ? wmax + 1 : (wmax < 20 ? wmax + 5 : wmax * 2)
    out = E["svg_tmp"]
    # The chart is redrawn once a slot: it states the charge of its newest slot, and when.
    now_text = lastp == "" ? "not measured" : lastp " % at " hhmm(lastt)
    low_text = minp == "" ? "not measured" : minp " % (" dayname(mint) ", " hhmm(mint) ")"
    desc = "Battery " now_text ", lowest " low_text ". Solar power up to " fmt(maxw, 1) " W. " uptext
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"11\">\n", W, H, W, H > out
    printf "<title id=\"t\">Battery charge and solar power, %s</title>\n<desc id=\"d\">%s</desc>\n", esc(spantext), esc(desc) > out
    printf "<rect width=\"%d\" height=\"%d\" fill=\"#fffdf7\"/>\n", W, H > out
    printf "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Battery %s, lowest %s</text>\n", x0, esc(now_text), esc(minp == "" ? "not measured" : minp " %") > out
    printf "<text x=\"%d\" y=\"31\">%s</text>\n", x0, esc(uptext) > out
    printf "<g transform=\"translate(%d %d) scale(%.5f %.5f)\">\n", x0, y1, px, -px > out
    # Night: runs of dark slots.
    dd = ""; run = -1
    for (i = 0; i <= N; i++) {
      s = START + i * STEP; dk = i < N ? dark(s + STEP / 2) == 1 : 0
      if (dk && run < 0) run = i
      if (!dk && run >= 0) { dd = dd sprintf("M%d 0h%dv%dh-%dz", run, i - run, U, i - run); run = -1 }
    }
    path("fill=\"#dcd6c4\"", dd)
    # Off: runs of slots without a line, as a band under the axis.
    dd = ""; run = -1
    for (i = 0; i <= N; i++) {
      s = START + i * STEP; off = i < N && s >= from && !(s in PCT)
      if (off && run < 0) run = i
      if (!off && run >= 0) { dd = dd sprintf("M%d %dh%dv%dh-%dz", run, -3 / px, i - run, -4 / px, i - run); run = -1 }
    }
    path("fill=\"#b3261e\"", dd)
    # Solar W as an area, battery % as a line: one sub-path per run of known values (gaps stay gaps).
    dd = ""; ps = 0
    for (i = 0; i <= N; i++) {
      s = START + i * STEP; known = i < N && (s in SW) && SW[s] != "-"
      if (known) {
        v = int(SW[s] / wmax * U + 0.5); if (v > U) v = U
        if (!ps) { dd = dd sprintf("M%d 0V%d", i, v); fl = 1 } else if (v == pv) fl++; else { dd = dd flat(fl - 1) sprintf("l1 %d", v - pv); fl = 1 }
        ps = 1; pv = v
      } else if (ps) { dd = dd flat(fl) "V0z"; ps = 0 }
    }
    path("fill=\"#f2b705\" fill-opacity=\".75\"", dd)
    dd = ""; ps = 0
    for (i = 0; i <= N; i++) {
      s = START + i * STEP; known = i < N && (s in PCT) && PCT[s] != "-"
      if (known) {
        v = int(PCT[s] * U / 100 + 0.5)
        if (!ps) { dd = dd sprintf("M%d %d", i, v); fl = 1 } else if (v == pv) fl++; else { dd = dd flat(fl - 1) sprintf("l1 %d", v - pv); fl = 1 }
        ps = 1; pv = v
      } else if (ps) { dd = dd flat(fl); ps = 0 }
    }
    path(sprintf("fill=\"none\" stroke=\"#1b1b1b\" stroke-width=\"%.2f\" stroke-linejoin=\"round\"", 2 / px), dd)
    printf "</g>\n" > out
    # Axes: battery % on the left, solar W on the right, a line and a label at each local midnight.
    printf "<g fill=\"none\" stroke=\"#1b1b1b\" stroke-width=\".5\"><path d=\"M%d %dH%dM%d %dV%dM%d %dV%d\"/>", x0, y1, x1, x0, y0, y1, x1, y0, y1 > out
    printf "<path stroke-dasharray=\"2 3\" d=\"" > out
    for (k = 0; k <= E["SOLAR_HISTORY_DAYS"] + 1; k++) {
      t = NOW - k * 86400; m = t - (t + offset(t)) % 86400
      if (m >= START && m <= NOW_SLOT + STEP) { x = x0 + (m - START) / STEP * px; printf "M%.1f %dV%d", x, y0, y1 + 4 > out; LBL[k] = x; LBT[k] = m }
    }
    printf "\"/></g>\n" > out
    for (k in LBL) printf "<text x=\"%.1f\" y=\"%d\">%s</text>\n", LBL[k] + 3, y1 + 16, dayname(LBT[k] + 43200) > out
    printf "<g text-anchor=\"end\"><text x=\"%d\" y=\"%d\">0 %%</text><text x=\"%d\" y=\"%d\">50 %%</text><text x=\"%d\" y=\"%d\">100 %%</text></g>\n", x0 - 4, y1 + 4, x0 - 4, (y0 + y1) / 2 + 4, x0 - 4, y0 + 4 > out
    printf "<g fill=\"#7a5c00\"><text x=\"%d\" y=\"%d\">0 W</text><text x=\"%d\" y=\"%d\">%s W</text></g>\n", x1 + 4, y1 + 4, x1 + 4, y0 + 4, fmt(wmax, 0) > out
    printf "<g transform=\"translate(%d %d)\"><path stroke=\"#1b1b1b\" stroke-width=\"2\" d=\"M0 -4h14\"/><text x=\"18\">battery %%</text>", x0, H - 12 > out
    printf "<rect x=\"90\" y=\"-9\" width=\"12\" height=\"9\" fill=\"#f2b705\"/><text x=\"106\">solar W</text>" > out
    printf "<rect x=\"170\" y=\"-9\" width=\"12\" height=\"9\" fill=\"#dcd6c4\"/><text x=\"186\">%s</text>", ASTRO ? "night" : "panel dark" > out
    printf "<rect x=\"262\" y=\"-7\" width=\"12\" height=\"4\" fill=\"#b3261e\"/><text x=\"278\">board off</text></g>\n</svg>\n" > out
    close(out)
  }
  print mode, dirty, ((E["chart"] == "1" || dirty) && ahead == "") ? 1 : 0
}'); then
  printf '%s: cannot write the history into %s (permissions? disk full?)\n' "$prog" "$out" >&2
  exit 1
fi
set -- $result
new_mode=${1:-$mode}

# Files, in an order that never shows a half state: the history, then the chart it draws.
if [ "${2:-0}" = 1 ] && ! mv -f "$history_tmp" "$history"; then
  printf '%s: cannot rename into %s\n' "$prog" "$out" >&2
  exit 1
fi
if [ "${3:-0}" = 1 ] && ! mv -f "$svg_tmp" "$svg"; then
  printf '%s: cannot rename into %s\n' "$prog" "$out" >&2
  exit 1
fi

# set_flag FILE on|off: nginx tests the flag's existence on each request, so no reload is needed.
set_flag() {
  if [ "$2" = on ]; then
    [ -e "$1" ] && return 0
    printf 'battery below threshold since %s\n' "$generated" >"$flag_tmp" && mv -f "$flag_tmp" "$1"
  else
    rm -f "$1"
  fi
}
low=off text=off
[ "$new_mode" = normal ] || low=on
[ "$new_mode" = text ] && text=on
# Entering a lighter mode: battery.css first (pages show the held-back notes), then nginx's flag.
# Leaving it: nginx's flag first (images served again), then battery.css.
if [ "$new_mode" != normal ]; then mv -f "$css_tmp" "$out/battery.css" || exit 1; fi
set_flag "$low_flag" $low && set_flag "$text_flag" $text || {
  printf '%s: cannot write the power-mode flag in %s\n' "$prog" "$out" >&2
  exit 1
}
if [ "$new_mode" != "$mode" ]; then
  printf '%s: power mode %s -> %s\n' "$prog" "$mode" "$new_mode" >&2
fi

if ! { mv -f "$json_tmp" "$out/stats.json" && { [ ! -e "$css_tmp" ] || mv -f "$css_tmp" "$out/battery.css"; }; }; then
  printf '%s: cannot rename into %s\n' "$prog" "$out" >&2
  exit 1
fi
