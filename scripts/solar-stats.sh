#!/bin/sh
# solar-stats.sh: write the board's live power statistics as api/stats.json and api/battery.css.
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

Writes DIR/stats.json and DIR/battery.css (atomically) from the board's power sensors.

  -o, --out DIR          output directory, must exist   (env SOLAR_STATS_DIR, default /var/www/solarpress/api)
  -f, --forecast-cmd CMD shell command printing up to 3 lines "YYYY-MM-DD sky"
                         (sky: sunny partly-cloudy cloudy rain snow unknown)  (env SOLAR_FORECAST_CMD)
      --sysfs-root DIR   where /sys is mounted   (env SOLAR_SYSFS_ROOT, default /sys)
      --proc-root DIR    where /proc is mounted  (env SOLAR_PROC_ROOT, default /proc)
  -h, --help             this text

Other environment: SOLAR_TIMEZONE (zone name shown and used for local_time; default TZ or the system's),
SOLAR_INA219_ROLE (battery | solar | load: what an INA219 measures; default battery),
SOLAR_INA219_INVERT=1 (the INA219 reads positive current while the battery charges).
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
now=$(date +%s)
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
cleanup() { rm -f "$json_tmp" "$css_tmp"; }
trap cleanup EXIT
trap 'cleanup; exit 1' HUP INT TERM

export bat_connected bat_capacity bat_voltage bat_discharge bat_charging chg_current
export ac_connected ac_voltage ac_current ina_found ina_voltage ina_current ina_power ina_role
export cpu_temp loadavg uptime tz_name generated local_time forecast forecast_ok css_tmp
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
      if (count < 3) { days = days (count ? "," : "") "{\"date\":" str(f[1]) ",\"sky\":" str(f[2]) "}"; count++ }
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
    printf ":root{--battery-level:0%%}\n.battery-label::after{content:\"?\"}\n" > css
  } else {
    sym = charging == 1 ? " \\2600" : (charging == 0 ? " \\263E" : "")
    printf ":root{--battery-level:%d%%}\n.battery-label::after{content:\"%d%%%s\"}\n", percent, percent, sym > css
  }
  close(css)
}' >"$json_tmp"; then
  printf '%s: cannot write into %s (permissions? disk full?)\n' "$prog" "$out" >&2
  exit 1
fi

if ! { mv -f "$json_tmp" "$out/stats.json" && mv -f "$css_tmp" "$out/battery.css"; }; then
  printf '%s: cannot rename into %s\n' "$prog" "$out" >&2
  exit 1
fi
