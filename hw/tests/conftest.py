import os
import sys

HW = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if HW not in sys.path:
    sys.path.insert(0, HW)
