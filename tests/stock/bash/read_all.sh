# Reading all input the bash way: $(< /dev/stdin) (bash manual, "Command Substitution": $(< file) is $(cat file)),
# word splitting into the positional parameters, arithmetic expansion; a debug line to /dev/stderr.
input=$(< /dev/stdin)
set -- $input
echo "read ${#input} bytes" > /dev/stderr
echo $(( $1 + $2 ))
