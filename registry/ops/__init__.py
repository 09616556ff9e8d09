"""Operations: backups and restores of the whole database."""
