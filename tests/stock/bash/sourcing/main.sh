# A folder program whose entry point sources a sibling through "${0%/*}" (the script's own folder: $0 is the path
# it was started by). DOMjudge's bash run script relies on the same expansion.
. "${0%/*}/lib.sh"
add $(cat /proc/self/fd/0)
