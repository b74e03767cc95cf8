<?php
// One line from the STDIN constant (php.net, "Command line usage: I/O streams": STDIN is already open) with
// fgets, split with explode; PHP integers are 64-bit (PHP_INT_MAX). exit ends the script early.
$line = fgets(STDIN);
[$a, $b] = array_map('intval', explode(' ', trim($line)));
echo $a + $b, PHP_EOL;
exit;
echo "not reached\n";
