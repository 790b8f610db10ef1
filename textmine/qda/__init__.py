"""What qualitative-analysis tools give an analyst: agreement between coders (``agreement``), word views
(``words``) and survey waves (``waves``); ``published`` reads their small tables from the store's snapshot."""
