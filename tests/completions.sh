#!/bin/bash
# Checks the shell completions: the bash one by calling its function with
# COMP_WORDS/COMP_CWORD set and looking at COMPREPLY (on its own, with
# stand-ins for bash-completion's helpers, and with the real bash-completion
# when it is installed); the zsh one by parsing and loading it. Then that
# foil --help (made from foil's option table), man/foil.1 and both
# completions name the same options.
# Exit status 1 if any check fails.
#   BASH_COMPLETION=path  the bash_completion script to try (default: Debian's)
#   ZSH=path              the zsh to use (default: zsh in PATH)
#   FOIL_BIN=path         the foil whose --help is compared (default: ./foil)

set -u
shopt -s extglob
top=$(cd "$(dirname "$0")/.." && pwd)
bash_file=$top/completions/bash/foil
zsh_file=$top/completions/zsh/_foil
failures=0
checks=0

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/other" "$tmp/tree/adir" "$tmp/tree/anotherdir"
: >"$tmp/tree/afile"
printf '#!/bin/sh\n' >"$tmp/bin/foil"
printf '#!/bin/sh\n' >"$tmp/bin/foilcompltestcmd"
printf '#!/bin/sh\n' >"$tmp/other/bwrap"
chmod +x "$tmp/bin/foil" "$tmp/bin/foilcompltestcmd" "$tmp/other/bwrap"
ln -s foil "$tmp/bin/bwrap"
PATH=$tmp/bin:$PATH
export FOILCOMPLTESTVAR=1

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# complete WORD... : runs _foil with the cursor on the last word.
complete_words()
{
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _foil
}

# offers "CANDIDATE..." -- WORD... : every candidate must be offered.
offers()
{
    local want=() w c found
    while [[ $1 != -- ]]; do want+=("$1"); shift; done
    shift
    checks=$((checks + 1))
    complete_words "$@"
    for w in "${want[@]}"; do
        found=
        for c in "${COMPREPLY[@]}"; do [[ ${c%/} == "$w" ]] && found=1 && break; done
        [[ $found ]] || fail "'$*<TAB>' does not offer $w (got: ${COMPREPLY[*]:0:20})"
    done
}

# offers_only "CANDIDATE..." -- WORD... : exactly these, in any order.
offers_only()
{
    local want=() args
    while [[ $1 != -- ]]; do want+=("$1"); shift; done
    offers "${want[@]}" "$@"
    shift
    args="$*"
    local got=() c
    for c in "${COMPREPLY[@]}"; do got+=("${c%/}"); done
    if [[ $(printf '%s\n' "${got[@]}" | sort -u) != "$(printf '%s\n' "${want[@]}" | sort -u)" ]]; then
        fail "'$args<TAB>' offers '${got[*]:0:20}', expected exactly '${want[*]}'"
    fi
}

# offers_nothing WORD...
offers_nothing()
{
    checks=$((checks + 1))
    complete_words "$@"
    ((${#COMPREPLY[@]} == 0)) || fail "'$*<TAB>' should offer nothing, got: ${COMPREPLY[*]:0:20}"
}

# complete_split LINE WORD... : runs _foil on LINE, which bash split into
# WORD... (at = and :, COMP_WORDBREAKS), with the cursor at its end.
complete_split()
{
    COMP_LINE=$1
    COMP_POINT=${#COMP_LINE}
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _foil
}

# split_offers_only "CANDIDATE..." -- LINE WORD... : exactly these.
split_offers_only()
{
    local want=() got=() c line
    while [[ $1 != -- ]]; do want+=("$1"); shift; done
    shift
    line=$1
    checks=$((checks + 1))
    complete_split "$@"
    for c in "${COMPREPLY[@]}"; do got+=("${c%/}"); done
    if [[ $(printf '%s\n' "${got[@]}" | sort -u) != "$(printf '%s\n' "${want[@]}" | sort -u)" ]]; then
        fail "'$line<TAB>' offers '${got[*]:0:20}', expected exactly '${want[*]}'"
    fi
}

# --- bash, on its own ------------------------------------------------------
# shellcheck source=completions/bash/foil
if ! . "$bash_file"; then
    echo "FAIL: could not source $bash_file"
    exit 1
fi
[[ $(complete -p foil 2>/dev/null) == *"-F _foil"* ]] || fail "foil is not registered"
[[ $(complete -p bwrap 2>/dev/null) == *"-F _foil"* ]] ||
    fail "bwrap resolving to foil is not registered"
complete -r bwrap 2>/dev/null
# shellcheck source=completions/bash/foil
PATH=$tmp/other:$PATH . "$bash_file"
complete -p bwrap >/dev/null 2>&1 && fail "a bwrap that is not foil was claimed"

run_bash_checks()
{
    offers_only --ro-bind --ro-bind-try --ro-bind-fd --ro-bind-data -- foil --ro-b
    offers_only --unshare-cgroup --unshare-cgroup-try -- foil --unshare-c
    offers_only CAP_SYS_ADMIN -- foil --cap-add CAP_SYS_A
    offers_only CAP_NET_RAW -- foil --cap-drop cap_net_r
    offers ALL CAP_CHOWN CAP_CHECKPOINT_RESTORE -- foil --cap-drop ''
    offers_only --keep-fd -- foil --keep
    offers_only --keep-fd -- bwrap --keep
    offers_nothing "$tmp/other/bwrap" --keep
    offers_nothing foil --uid ''
    offers_nothing foil --gid 1
    offers_nothing foil --setenv HOME ''
    offers_nothing foil --setup-error-status ''
    offers FOILCOMPLTESTVAR -- foil --unsetenv FOILCOMPLTESTV
    offers_only nofile= -- foil --rlimit nof
    offers as= core= nofile= stack= -- foil --rlimit ''
    offers_nothing foil --rlimit nofile=1
    offers_nothing "$tmp/other/bwrap" --rli
    # bash splits nofile=100:200 into five words; they are one argument.
    split_offers_only -- 'foil --rlimit nofile=' foil --rlimit nofile =
    split_offers_only -- 'foil --rlimit nofile=100:' foil --rlimit nofile = 100 :
    split_offers_only foilcompltestcmd -- 'foil --rlimit nofile=100:200 foilcompltest' \
        foil --rlimit nofile = 100 : 200 foilcompltest
    split_offers_only --rlimit -- 'foil --rlimit core=0 --rli' foil --rlimit core = 0 --rli

    # Host paths: files after --bind, directories only after --chdir.
    offers "$tmp/tree/afile" "$tmp/tree/adir" -- foil --bind "$tmp/tree/a"
    offers "$tmp/tree/afile" -- foil --ro-bind-try /usr "$tmp/tree/af"
    offers_only "$tmp/tree/adir" "$tmp/tree/anotherdir" -- foil --chdir "$tmp/tree/a"
    offers_only "$tmp/tree/adir" "$tmp/tree/anotherdir" -- \
        foil --overlay-src /a --overlay "$tmp/tree/a"
    offers "$tmp/tree/afile" -- foil --lock-file "$tmp/tree/af"

    # Descriptors: one the shell has open is offered, a closed one is not.
    exec 7</dev/null
    offers 0 1 2 7 -- foil --sync-fd ''
    offers_only 7 -- foil --bind-fd 7
    exec 7<&-
    offers_nothing foil --keep-fd 7
    # Listing /proc/$$/fd opens a descriptor, the lowest free one: not offered.
    local n=3
    while [[ -e /proc/$$/fd/$n ]]; do n=$((n + 1)); done
    offers_nothing foil --keep-fd "$n"
    # bash reads this script through descriptor 255, close-on-exec.
    if [[ -e /proc/$$/fd/255 ]]; then offers_nothing foil --keep-fd 255; fi

    # The command starts at the first word no option consumes.
    offers foilcompltestcmd -- foil --bind /usr /usr ''
    offers_only foilcompltestcmd -- foil --bind /usr /usr foilcompltest
    offers_only foilcompltestcmd -- foil --overlay /a /b /c foilcompltest
    offers_only foilcompltestcmd -- foil --keep-fd 3 --forward-signals \
        --setup-error-status 9 --unshare-all foilcompltest
    offers_only foilcompltestcmd -- foil -- foilcompltest
    offers_only foilcompltestcmd -- foil foilcompltest
    offers "$tmp/tree/afile" -- foil --dev /dev foilcompltestcmd "$tmp/tree/af"
    offers_nothing foil --proc /proc foilcompltestcmd --ro-b
}

unset -f _command_offset _filedir
run_bash_checks

# --- bash, with stand-ins for bash-completion's helpers ------------------
# They record how they were called, so the word that starts the command and
# the choice of files or directories can be checked.
# shellcheck disable=SC2034,SC2317  # read through ${!var}, called by _foil
_command_offset() { offset_called=$1; COMPREPLY=(stub-command); }
# shellcheck disable=SC2034,SC2317
_filedir() { filedir_called="${1:-files}"; COMPREPLY=(stub-file); }

# stub_call VARIABLE EXPECTED WORD...
stub_call()
{
    local var=$1 expect=$2
    shift 2
    checks=$((checks + 1))
    printf -v "$var" '%s' unset
    complete_words "$@"
    [[ ${!var} == "$expect" ]] || fail "'$*<TAB>': $var is '${!var}', expected '$expect'"
}
stub_call offset_called 5 foil --bind /usr /usr --unshare-net ''
stub_call offset_called 5 foil --overlay a b c ''
stub_call offset_called 3 foil --keep-fd 3 ls -
stub_call offset_called 2 foil -- --not-an-option
stub_call offset_called 1 foil ''
stub_call offset_called 4 foil --setenv A B cmd arg
checks=$((checks + 1))
offset_called=unset
complete_split 'foil --rlimit nofile=1:2 cmd arg' foil --rlimit nofile = 1 : 2 cmd arg
[[ $offset_called == 7 ]] || fail "'foil --rlimit nofile=1:2 cmd arg<TAB>': offset_called is '$offset_called', expected 7"
stub_call offset_called unset foil --setenv A ''
stub_call filedir_called files foil --dev-bind ''
stub_call filedir_called files foil --dev-bind-try /dev ''
stub_call filedir_called -d foil --chdir ''
stub_call filedir_called -d foil --tmpfs ''
stub_call filedir_called unset foil --size ''
unset -f _command_offset _filedir

# --- bash, with bash-completion itself -----------------------------------
bc=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
if [[ -r $bc ]]; then
    # In a child bash, so that its settings stay out of this script.
    out=$(BASH_COMPLETION_FILE=$bc FOIL_COMPLETION=$bash_file TREE=$tmp/tree bash --norc --noprofile -c '
        . "$BASH_COMPLETION_FILE" >/dev/null 2>&1
        . "$FOIL_COMPLETION"
        t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
              COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _foil
              printf "%s\n" "${COMPREPLY[@]}" | sort; }
        # (compopt complains when not called from a real completion)
        exec 2>/dev/null
        echo "== command"; t foil --bind /usr /usr foilcompltest
        echo "== options"; t foil --ro-bind-t
        echo "== dirs"; t foil --chdir "$TREE/a"
        echo "== end"')
    checks=$((checks + 1))
    expected=$(printf '%s\n' "== command" foilcompltestcmd "== options" --ro-bind-try "== dirs" \
        "$tmp/tree/adir" "$tmp/tree/anotherdir" "== end")
    [[ $out == "$expected" ]] || fail "with bash-completion ($bc): got
$out
expected
$expected"
else
    echo "SKIP bash-completion checks: $bc not found"
fi

# --- foil --help, the man page and both completions name the same options --
# --help is generated from foil's option table, so this checks the table
# itself; the operand counts --help shows must be the bash completion's.
# FOIL_BIN names the foil to ask (default: the one built here).
foil_bin=${FOIL_BIN:-$top/foil}
man_file=$top/man/foil.1

# "NAME COUNT" per option: the operands are the capitalised words after it
# (such as NAME=SOFT[:HARD]).
help_options()
{
    "$foil_bin" --help |
        awk '$1 ~ /^--/ { n = 0; for (i = 2; i <= NF && $i ~ /^[A-Z][]A-Z0-9=:[]*$/; i++) n++; print $1, n }'
}
# The options of each .TP heading in the man page's OPTIONS section.
man_options()
{
    awk '/^\.SH/ { in_options = ($2 == "OPTIONS") } in_options && prev == ".TP" { print } { prev = $0 }' \
        "$man_file" | sed 's/\\-/-/g' | grep -oE -- '--[a-z0-9-]+'
}
bash_options() { printf '%s\n' "$_foil_bwrap_options$_foil_extra_options" | awk 'NF { print $1, NF - 1 }'; }
zsh_options() { sed -nE "s/^ *'(\([^)]*\))?\*?(--[a-z0-9-]+)\[.*/\2/p" "$zsh_file"; }

# same_set NAME-A NAME-B LIST-A LIST-B: one failure per line only one has.
same_set()
{
    local line
    checks=$((checks + 1))
    while read -r line; do
        [[ $line ]] && fail "$line: in $1, not in $2"
    done < <(comm -23 <(sort -u <<<"$3") <(sort -u <<<"$4"))
    while read -r line; do
        [[ $line ]] && fail "$line: in $2, not in $1"
    done < <(comm -13 <(sort -u <<<"$3") <(sort -u <<<"$4"))
}

if [[ -x $foil_bin ]]; then
    help_list=$(help_options)
    n_help=$(wc -l <<<"$help_list")
    checks=$((checks + 1))
    ((n_help > 50)) || fail "foil --help lists only $n_help options; has its layout changed?"
    same_set "foil --help" "completions/bash/foil" "$help_list" "$(bash_options)"
    same_set "foil --help" "man/foil.1" "$(cut -d' ' -f1 <<<"$help_list")" "$(man_options)"
    same_set "foil --help" "completions/zsh/_foil" "$(cut -d' ' -f1 <<<"$help_list")" "$(zsh_options)"
else
    fail "$foil_bin is not built: cannot compare --help with the man page and completions"
fi

# --- zsh --------------------------------------------------------------------
# Both completions must know the same options with the same argument counts
# (in a zsh spec, one ":message:action" per argument).
while read -r opt kinds; do
    [[ $opt ]] || continue
    checks=$((checks + 1))
    spec=$(grep -E "^ *'[^']*$opt\[" "$zsh_file")
    if [[ -z $spec ]]; then
        fail "$opt is missing from $zsh_file"
        continue
    fi
    read -ra kind_list <<<"$kinds"
    set -- "${kind_list[@]}"
    spec=${spec#*]}
    spec=${spec//\\:/}
    colons=${spec//[^:]/}
    ((${#colons} == 2 * $#)) || fail "$opt: $# argument(s) in the bash completion, zsh spec is: $spec"
done <<<"$_foil_bwrap_options$_foil_extra_options"

zsh=${ZSH:-$(command -v zsh)}
if [[ -n $zsh && -x $zsh ]]; then
    checks=$((checks + 1))
    "$zsh" -n "$zsh_file" || fail "zsh -n $zsh_file"
    checks=$((checks + 1))
    # compinit reads the #compdef line; the function must then load cleanly.
    # shellcheck disable=SC2016  # zsh code, expanded by zsh
    out=$(cd "$tmp" && HOME=$tmp "$zsh" -f -c '
        fpath=("${1:h}" $fpath)
        autoload -U compinit && compinit -D -u
        print -r -- "foil=$_comps[foil] bwrap=$_comps[bwrap]"
        autoload -U +X _foil && print loaded' zsh "$zsh_file" 2>&1)
    [[ $out == *"foil=_foil bwrap=_foil"*loaded* ]] || fail "zsh does not register/load _foil: $out"
else
    echo "SKIP zsh checks: zsh is not installed"
fi

if ((failures)); then
    echo "completions: $failures of $checks checks failed"
    exit 1
fi
echo "completions: all $checks checks passed"
