"""The ops: one file per family, each op's forward function beside its backward node.

arithmetic  add sub rsub mul div floor_divide pow neg      unary      abs exp log sqrt sin cos relu ...
reduction   sum mean                                       comparison eq ne lt le gt ge
conversion  to type clone                                  shape      expand unsqueeze sum_to_size
select      where sign                                     fill       fill_ zero_ copy_
"""
