print("queue benchmark: not written yet")
