print("heygen-dropd")
