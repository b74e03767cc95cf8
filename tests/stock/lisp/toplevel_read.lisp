;;; Top-level forms and the Lisp reader (CLHS "READ": integers of any size are read as integers), printed with
;;; FORMAT ~D; the program is the file's forms, loaded in order.
(format t "~D~%" (+ (read) (read)))
