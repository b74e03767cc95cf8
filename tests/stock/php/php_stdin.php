<?php
// All input at once from the php://stdin wrapper (php.net, "php://": php://stdin), tokens checked with the ctype
// extension (php.net, "ctype_digit"), which a stock php loads; exit(0) with a status.
$tokens = preg_split('/\s+/', trim(file_get_contents('php://stdin')));
$sum = 0;
foreach ($tokens as $token) {
    if (!ctype_digit(ltrim($token, '-'))) {
        exit(1);
    }
    $sum += (int) $token;
}
printf("%d\n", $sum);
exit(0);
