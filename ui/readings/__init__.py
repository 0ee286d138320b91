"""The readings review screen (抄表审核)."""
