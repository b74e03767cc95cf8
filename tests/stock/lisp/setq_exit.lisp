;;; A quick script: SETQ of a variable never declared (SBCL warns "undefined variable" when it compiles the file,
;;; and the program still runs, as with `sbcl --load`), then an early EXIT (SBCL manual, "sb-ext:exit").
(setq total (+ (read) (read)))
(format t "~D~%" total)
(exit :code 0)
(format t "not reached~%")
