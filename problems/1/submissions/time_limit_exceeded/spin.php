<?php
$x = 0;
while (true) { $x = ($x * 31 + 7) % 1000003; }
