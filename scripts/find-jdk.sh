#!/usr/bin/env bash
# Finds a JDK 21 or newer: the one rule shared by ./outpost and .ci/run.
#
# Sourced, it defines find_jdk, which sets JDK_HOME and JDK_MAJOR, or says on stderr what it
# found and how to fix it and returns 1. Run directly, it prints the JDK's home folder.
#
# Order: $JAVA_HOME; else the newest JDK in the usual folders (/usr/lib/jvm, /usr/java,
# /opt/java, ~/.sdkman/candidates/java); else `java` on the PATH. A JDK needs bin/java and
# bin/javac (the launcher builds from source); its version is what `bin/java -version` says.

OUTPOST_MIN_JAVA=21

# Prints the feature version of the java binary $1 (8, 17, 21, 25...), or nothing.
java_major() {
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  v=${v#1.}       # 1.8.0_292 -> 8.0_292
  v=${v%%[._+-]*} # 21.0.1, 25-ea, 25+36 -> 21, 25
  [[ $v =~ ^[0-9]+$ ]] && echo "$v"
}

# Looks at the folder $1 as a JDK: sets the caller's jdk_major (empty if not a usable JDK) and
# jdk_note (what it is, for the report).
_outpost_inspect_jdk() {
  local v
  jdk_major=''
  if [[ ! -x $1/bin/java ]]; then
    jdk_note='no runnable bin/java'
  elif ! v=$(java_major "$1/bin/java"); then
    jdk_note='bin/java did not print a version'
  elif [[ ! -x $1/bin/javac ]]; then
    jdk_note="Java $v runtime without javac (not a JDK)"
  else
    jdk_major=$v jdk_note="Java $v"
  fi
}

find_jdk() {
  local report=() jdk_major jdk_note dir real java home seen=' ' best_home='' best_major=0
  JDK_HOME='' JDK_MAJOR=''

  if [[ -n ${JAVA_HOME:-} ]]; then
    _outpost_inspect_jdk "$JAVA_HOME"
    report+=("JAVA_HOME=$JAVA_HOME: $jdk_note")
    if [[ -n $jdk_major ]] && ((jdk_major >= OUTPOST_MIN_JAVA)); then
      JDK_HOME=$JAVA_HOME JDK_MAJOR=$jdk_major
      return 0
    fi
  else
    report+=('JAVA_HOME: not set')
  fi

  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* "${HOME:-/nonexistent}"/.sdkman/candidates/java/*; do
    [[ -e $dir/bin/java ]] || continue
    real=$(readlink -f "$dir")
    [[ $seen == *" $real "* ]] && continue # java-1.17.0-openjdk-amd64 -> java-17-openjdk-amd64
    seen+="$real "
    _outpost_inspect_jdk "$dir"
    report+=("$dir: $jdk_note")
    if [[ -n $jdk_major ]] && ((jdk_major >= OUTPOST_MIN_JAVA && jdk_major > best_major)); then
      best_home=$dir best_major=$jdk_major
    fi
  done

  if [[ -z $best_home ]]; then
    if java=$(command -v java); then
      home=$(dirname "$(dirname "$(readlink -f "$java")")")
      _outpost_inspect_jdk "$home"
      report+=("java on the PATH, $java -> $home: $jdk_note")
      if [[ -n $jdk_major ]] && ((jdk_major >= OUTPOST_MIN_JAVA)); then
        best_home=$home best_major=$jdk_major
      fi
    else
      report+=('java on the PATH: none')
    fi
  fi

  if [[ -n $best_home ]]; then
    if [[ -n ${JAVA_HOME:-} ]]; then
      echo "outpost: JAVA_HOME=$JAVA_HOME is not a JDK $OUTPOST_MIN_JAVA+; using $best_home (Java $best_major)" >&2
    fi
    JDK_HOME=$best_home JDK_MAJOR=$best_major
    return 0
  fi

  {
    echo "outpost: no JDK $OUTPOST_MIN_JAVA or newer found. Looked at:"
    printf '  %s\n' "${report[@]}"
    echo "Fix: install a JDK $OUTPOST_MIN_JAVA or newer (Eclipse Temurin 21 or 25, say; on Debian 13 or"
    echo "Ubuntu 24.04: apt-get install openjdk-21-jdk-headless), or set JAVA_HOME to one:"
    echo "  export JAVA_HOME=/path/to/jdk-21"
  } >&2
  return 1
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  find_jdk && echo "$JDK_HOME"
fi
