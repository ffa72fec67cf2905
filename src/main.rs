fn main() {
    println!("callscore");
}
