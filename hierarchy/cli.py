"""`flask hierarchy …` (to be filled)."""
from flask.cli import AppGroup

cli = AppGroup("hierarchy", help="Иерархия: регионы, муниципалитеты, организации.")
