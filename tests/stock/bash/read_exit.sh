#!/bin/bash
# The read builtin, then an early `exit 0`; the answer is written by reopening /dev/stdout, as scripts do.
read -r a b
echo $((a + b)) > /dev/stdout
exit 0
echo "never printed"
