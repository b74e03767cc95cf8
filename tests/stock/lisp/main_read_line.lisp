;;; A MAIN function called at the end of the file; the line read with READ-LINE and split by hand,
;;; PARSE-INTEGER for each number (CLHS "PARSE-INTEGER"); a recursion 10000 deep on SBCL's control stack.
(defun split-spaces (line)
  (loop with start = 0
        for pos = (position #\Space line :start start)
        for word = (subseq line start pos)
        unless (string= word "") collect word
        while pos
        do (setf start (1+ pos))))

(defun depth (n)
  (if (zerop n) 0 (1+ (depth (1- n)))))

(defun main ()
  (let* ((words (split-spaces (string-trim '(#\Return #\Newline) (read-line))))
         (a (parse-integer (first words)))
         (b (parse-integer (second words))))
    (format t "~D~%" (- (+ a b (depth 10000)) 10000))))

(main)
