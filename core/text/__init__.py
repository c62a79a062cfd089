"""Text as Groundwork reads it, each idea written once.

    normalize   how people type, made comparable (numbers, accents, hyphens) and the one stemmer
    words       content words and stems of a text (after ``normalize``)
    sentences   the one sentence splitter (passages and answers, named variants)
    claims      what an answer says with a citation, and the lines of the passage that back it up
                (the hover quote, the page marks and the exported quote are the same choice)
"""
