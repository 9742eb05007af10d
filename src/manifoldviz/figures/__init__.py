"""Every figure and animation: the lecture style and palette, one frame rasteriser, and one module
per figure family. Figure modules draw a computed result; they never compute or write reports.
"""
