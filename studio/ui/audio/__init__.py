"""Sound in the studio: the sound player and its clock, import, Lip Sync dialog, Mouth Shapes panel."""
