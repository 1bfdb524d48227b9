print("upload benchmark: not written yet")
