program syntax
  implicit none
  integer :: a
  a = "not a number"
  print *, a
end program syntax
